package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = cond ? a : b. The gradient goes to a where cond holds and to b elsewhere; cond gets none. */
public final class Where extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0]);
    return TensorMath.where(in[0], in[1], in[2]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor cond = saved(0).ne(0);
    Tensor zero = TensorMath.scalarLike(g, 0);
    return new Tensor[] {null, Tensor.where(cond, g, zero), Tensor.where(cond, zero, g)};
  }
}
