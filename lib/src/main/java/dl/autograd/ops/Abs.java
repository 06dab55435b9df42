package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.UnaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = |a|. ∂z/∂a = sign(a) (0 at a = 0, the subgradient PyTorch also picks). */
public final class Abs extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0]);
    return TensorMath.unary(UnaryOp.ABS, in[0]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g.mul(TensorMath.unary(UnaryOp.SIGN, saved(0)))};
  }
}
