package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** Reorders axes. Backward applies the inverse permutation to the gradient. */
public final class Permute extends Function {
  private final int[] order;

  public Permute(int... order) {
    this.order = order.clone();
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return TensorMath.permute(in[0], order);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    int[] inverse = new int[order.length];
    for (int i = 0; i < order.length; i++) inverse[Math.floorMod(order[i], order.length)] = i;
    return new Tensor[] {g.permute(inverse)};
  }
}
