package dl.nn;

import dl.nn.functional.F;
import dl.tensor.Tensor;

/** max(x, slope·x): keeps a small gradient for negative inputs so units cannot die. */
public final class LeakyReLU extends Module {
  private final double slope;

  public LeakyReLU() {
    this(0.01);
  }

  public LeakyReLU(double slope) {
    this.slope = slope;
  }

  @Override
  public Tensor forward(Tensor x) {
    return F.leakyRelu(x, slope);
  }

  @Override
  protected String describe() {
    return "LeakyReLU(" + slope + ")";
  }
}
