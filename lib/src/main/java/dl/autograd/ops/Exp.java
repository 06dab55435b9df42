package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.UnaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = eᵃ. ∂z/∂a = eᵃ = z, so backward reuses the output. */
public final class Exp extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    Tensor z = TensorMath.unary(UnaryOp.EXP, in[0]);
    save(z);
    return z;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g.mul(saved(0))};
  }
}
