package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.UnaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = −a. ∂z/∂a = −1. */
public final class Neg extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    return TensorMath.unary(UnaryOp.NEG, in[0]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g.neg()};
  }
}
