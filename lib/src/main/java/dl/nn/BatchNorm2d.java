package dl.nn;

import dl.Check;
import dl.tensor.Tensor;

/**
 * Batch normalisation for images: statistics per channel over the batch and all pixels. Shape: [N,
 * C, H, W].
 */
public final class BatchNorm2d extends BatchNorm {
  public BatchNorm2d(int channels) {
    super(channels);
  }

  @Override
  void checkRank(Tensor x) {
    if (x.dim() != 4)
      throw Check.badArgument(describe(), "expected input [N, C, H, W], got %s", x.shape());
  }
}
