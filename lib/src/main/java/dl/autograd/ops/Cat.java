package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** Joins tensors along an axis. Backward cuts the gradient back into the same pieces. */
public final class Cat extends Function {
  private final int axis;
  private int[] sizes;

  public Cat(int axis) {
    this.axis = axis;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor out = TensorMath.cat(axis, in);
    sizes = new int[in.length];
    for (int i = 0; i < in.length; i++) sizes[i] = in[i].shape().get(axis);
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor[] grads = new Tensor[sizes.length];
    int at = 0;
    for (int i = 0; i < sizes.length; i++) {
      grads[i] = g.narrow(axis, at, sizes[i]);
      at += sizes[i];
    }
    return grads;
  }
}
