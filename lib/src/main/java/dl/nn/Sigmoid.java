package dl.nn;

import dl.tensor.Tensor;

/** σ(x) = 1 / (1 + e⁻ˣ): squashes to (0, 1); saturates, so gradients vanish for large |x|. */
public final class Sigmoid extends Module {
  @Override
  public Tensor forward(Tensor x) {
    return x.sigmoid();
  }
}
