package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.UnaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = cos a. ∂z/∂a = −sin a. */
public final class Cos extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0]);
    return TensorMath.unary(UnaryOp.COS, in[0]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g.mul(saved(0).sin().neg())};
  }
}
