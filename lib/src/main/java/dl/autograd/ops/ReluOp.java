package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.UnaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * z = max(a, 0). ∂z/∂a = 1 where a &gt; 0, else 0: the gradient flows only through active units.
 */
public final class ReluOp extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0]);
    return TensorMath.unary(UnaryOp.RELU, in[0]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g.mul(TensorMath.unary(UnaryOp.STEP, saved(0)))};
  }

  @Override
  public String name() {
    return "ReLU";
  }
}
