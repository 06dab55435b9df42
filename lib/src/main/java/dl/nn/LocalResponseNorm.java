package dl.nn;

import dl.nn.functional.Norm;
import dl.tensor.Tensor;

/**
 * Local response normalisation (AlexNet, 2012): each activation is divided by (k + α/n · Σ of the
 * squares of its n neighbouring channels)^β, so strongly active channels damp their neighbours.
 * Batch normalisation has since replaced it.
 */
public final class LocalResponseNorm extends Module {
  private final int size;
  private final double alpha, beta, k;

  public LocalResponseNorm(int size) {
    this(size, 1e-4, 0.75, 1.0);
  }

  public LocalResponseNorm(int size, double alpha, double beta, double k) {
    this.size = size;
    this.alpha = alpha;
    this.beta = beta;
    this.k = k;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Norm.localResponseNorm(x, size, alpha, beta, k);
  }

  @Override
  protected String describe() {
    return "LocalResponseNorm(size=" + size + ")";
  }
}
