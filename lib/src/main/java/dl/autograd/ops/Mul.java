package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.BinaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = a · b. ∂z/∂a = b, ∂z/∂b = a: each input's gradient is scaled by the other input. */
public final class Mul extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0], in[1]);
    return TensorMath.binary(BinaryOp.MUL, in[0], in[1]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor a = saved(0), b = saved(1);
    return new Tensor[] {needsGrad(0) ? g.mul(b) : null, needsGrad(1) ? g.mul(a) : null};
  }
}
