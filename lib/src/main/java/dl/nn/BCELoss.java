package dl.nn;

import dl.nn.functional.F;
import dl.tensor.Tensor;

/** Binary cross-entropy on probabilities (after a sigmoid). */
public final class BCELoss implements Loss {
  @Override
  public Tensor forward(Tensor prediction, Tensor target) {
    return F.binaryCrossEntropy(prediction, target);
  }

  @Override
  public String toString() {
    return "BCELoss()";
  }
}
