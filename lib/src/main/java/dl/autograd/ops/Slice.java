package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * A strided range along one axis (a view). Elements that were picked get their gradient back; the
 * ones left out get zero.
 */
public final class Slice extends Function {
  private final int axis, start, end, step;
  private Shape inputShape;

  public Slice(int axis, int start, int end, int step) {
    this.axis = axis;
    this.start = start;
    this.end = end;
    this.step = step;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    inputShape = in[0].shape();
    return TensorMath.slice(in[0], axis, start, end, step);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor grad = TensorMath.zeros(g.buffer().backend(), inputShape, g.dtype());
    TensorMath.slice(grad, axis, start, end, step).copyFrom(g);
    return new Tensor[] {grad};
  }
}
