package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** Same elements, new shape. Backward reshapes the gradient back to the input's shape. */
public final class Reshape extends Function {
  private final Shape shape;
  private Shape inputShape;

  public Reshape(Shape shape) {
    this.shape = shape;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    inputShape = in[0].shape();
    return TensorMath.reshape(in[0], shape);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g.reshape(inputShape.toArray())};
  }
}
