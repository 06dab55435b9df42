package dl.nn;

import dl.nn.functional.F;
import dl.tensor.Tensor;

/** Mean squared error, the regression loss: mean((ŷ − y)²). */
public final class MSELoss implements Loss {
  @Override
  public Tensor forward(Tensor prediction, Tensor target) {
    return F.mseLoss(prediction, target);
  }

  @Override
  public String toString() {
    return "MSELoss()";
  }
}
