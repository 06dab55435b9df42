package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * Writes values into a zero tensor at given indices along an axis: max unpooling puts each pooled
 * value back where it came from. Backward reads the gradient from the same positions (a gather);
 * the index gets none. Where overlapping pooling windows chose the same pixel, each of them gets
 * that pixel's full gradient, as in PyTorch.
 */
public final class Scatter extends Function {
  private final Shape shape;
  private final int axis;

  public Scatter(Shape shape, int axis) {
    this.shape = shape;
    this.axis = axis;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    save(in[1]);
    return TensorMath.scatter(shape, axis, in[1], in[0]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {TensorMath.gather(g, axis, saved(0)), null};
  }
}
