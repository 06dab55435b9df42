package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * Picks whole slices along an axis, e.g. the rows of a mini-batch: out[i] = in[index[i]]. Backward
 * adds each slice's gradient back to the row it came from (rows picked twice get both).
 */
public final class IndexSelect extends Function {
  private final int axis;
  private final int[] index;
  private Shape inputShape;

  public IndexSelect(int axis, int[] index) {
    this.axis = axis;
    this.index = index.clone();
  }

  @Override
  protected Tensor forward(Tensor... in) {
    inputShape = in[0].shape();
    return TensorMath.indexSelect(in[0], axis, index);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor grad = TensorMath.zeros(g.buffer().backend(), inputShape, g.dtype());
    for (int i = 0; i < index.length; i++) {
      Tensor row = TensorMath.slice(grad, axis, index[i], index[i] + 1, 1);
      row.addInPlace(TensorMath.slice(g, axis, i, i + 1, 1));
    }
    return new Tensor[] {grad};
  }
}
