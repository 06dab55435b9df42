package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * Places values into a zero tensor at given indices along an axis, adding where indices repeat (max
 * unpooling puts each pooled value back where it came from). The transpose of {@link Gather}:
 * backward gathers the gradient from the same positions; the index gets none.
 */
public final class ScatterAdd extends Function {
  private final Shape shape;
  private final int axis;

  public ScatterAdd(Shape shape, int axis) {
    this.shape = shape;
    this.axis = axis;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    save(in[1]);
    return TensorMath.scatterAdd(shape, axis, in[1], TensorMath.contiguous(in[0]));
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {TensorMath.gather(g, axis, saved(0)), null};
  }
}
