package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.BinaryOp;
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
    // g · [a > 0], in one pass over g and a (as a product with the step function it would take two)
    return new Tensor[] {TensorMath.binary(BinaryOp.PASS_IF_POSITIVE, g, saved(0))};
  }

  @Override
  public String name() {
    return "ReLU";
  }
}
