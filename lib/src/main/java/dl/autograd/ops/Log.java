package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.UnaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = ln a. ∂z/∂a = 1/a. */
public final class Log extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0]);
    return TensorMath.unary(UnaryOp.LOG, in[0]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g.div(saved(0))};
  }
}
