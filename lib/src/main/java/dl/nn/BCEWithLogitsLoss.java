package dl.nn;

import dl.nn.functional.F;
import dl.tensor.Tensor;

/** Binary cross-entropy on raw scores, fused with the sigmoid for stability. */
public final class BCEWithLogitsLoss implements Loss {
  @Override
  public Tensor forward(Tensor prediction, Tensor target) {
    return F.binaryCrossEntropyWithLogits(prediction, target);
  }

  @Override
  public String toString() {
    return "BCEWithLogitsLoss()";
  }
}
