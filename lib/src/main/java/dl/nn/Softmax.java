package dl.nn;

import dl.tensor.Tensor;

/** Turns scores into probabilities along an axis: exp(xᵢ) / Σⱼ exp(xⱼ). */
public final class Softmax extends Module {
  private final int axis;

  public Softmax(int axis) {
    this.axis = axis;
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.softmax(axis);
  }

  @Override
  protected String describe() {
    return "Softmax(axis=" + axis + ")";
  }
}
