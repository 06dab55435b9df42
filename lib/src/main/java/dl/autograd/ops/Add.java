package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.BinaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = a + b. ∂z/∂a = 1, ∂z/∂b = 1: the gradient passes through unchanged to both. */
public final class Add extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    return TensorMath.binary(BinaryOp.ADD, in[0], in[1]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g, g};
  }
}
