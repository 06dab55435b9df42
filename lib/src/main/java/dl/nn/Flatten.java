package dl.nn;

import dl.tensor.Tensor;

/** Flattens every axis after the batch axis: [N, C, H, W] → [N, C·H·W]. */
public final class Flatten extends Module {
  @Override
  public Tensor forward(Tensor x) {
    if (x.dim() < 2)
      throw new IllegalArgumentException("Flatten: expected at least [N, ...], got " + x.shape());
    return x.flatten(1, -1);
  }
}
