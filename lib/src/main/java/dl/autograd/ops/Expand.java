package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * Broadcasts to a larger shape without copying. Each input element was used many times, so its
 * gradient is the sum over its copies.
 */
public final class Expand extends Function {
  private final Shape shape;
  private Shape inputShape;

  public Expand(Shape shape) {
    this.shape = shape;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    inputShape = in[0].shape();
    return TensorMath.expand(in[0], shape);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g.sumToShape(inputShape)};
  }
}
