package dl.nn;

import dl.nn.functional.Dropouts;
import dl.tensor.Rng;
import dl.tensor.Tensor;

/**
 * Channel dropout: in training whole feature maps are zeroed with probability p (neighbouring
 * pixels are too correlated for element dropout to help), the rest scaled by 1/(1 − p).
 */
public final class Dropout2d extends Module {
  private final double p;
  private Rng rng;

  public Dropout2d(double p) {
    if (p < 0 || p >= 1)
      throw new IllegalArgumentException("Dropout2d: probability must be in [0, 1), got " + p);
    this.p = p;
  }

  /**
   * Draws masks from {@code rng} instead of the global generator. Threads: the global generator is
   * shared by every thread, so models trained in parallel should each give their dropout layers a
   * generator of their own, e.g. {@code .rng(Rng.global().split())} when the model is built.
   */
  public Dropout2d rng(Rng r) {
    rng = r;
    return this;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Dropouts.dropout2d(x, p, isTraining(), rng != null ? rng : Rng.global());
  }

  @Override
  protected String describe() {
    return "Dropout2d(p=" + p + ")";
  }
}
