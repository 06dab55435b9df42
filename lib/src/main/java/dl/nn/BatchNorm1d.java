package dl.nn;

import dl.Check;
import dl.tensor.Tensor;

/**
 * Batch normalisation for features: statistics per feature over the batch. Shape: [N, C] or [N, C,
 * L].
 */
public final class BatchNorm1d extends BatchNorm {
  public BatchNorm1d(int features) {
    super(features);
  }

  @Override
  void checkRank(Tensor x) {
    if (x.dim() != 2 && x.dim() != 3)
      throw Check.badArgument(describe(), "expected input [N, C] or [N, C, L], got %s", x.shape());
  }
}
