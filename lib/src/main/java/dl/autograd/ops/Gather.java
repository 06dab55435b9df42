package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * Picks elements along an axis by index (e.g. the log-probability of each sample's true class).
 * Backward adds each gradient back at the position it was picked from; the index gets none.
 */
public final class Gather extends Function {
  private final int axis;
  private Shape inputShape;

  public Gather(int axis) {
    this.axis = axis;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    inputShape = in[0].shape();
    save(in[1]);
    return TensorMath.gather(in[0], axis, in[1]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {
      TensorMath.scatterAdd(inputShape, axis, saved(0), TensorMath.contiguous(g)), null
    };
  }
}
