package dl.data;

import dl.tensor.Tensor;

/**
 * A batch of examples: inputs {@code x} and targets {@code y}, stacked along a new first axis.
 *
 * <p>Shape: x [N, ...input shape] (images [N, C, H, W], tabular rows [N, F]); y [N] for class
 * indices (float32 holding 0, 1, 2, …) or [N, ...target shape] otherwise.
 */
public record Batch(Tensor x, Tensor y) {
  /** Number of examples in the batch. */
  public int size() {
    return x.dim() == 0 ? 1 : x.size(0);
  }

  @Override
  public String toString() {
    return "Batch(x=" + x.shape() + ", y=" + y.shape() + ")";
  }
}
