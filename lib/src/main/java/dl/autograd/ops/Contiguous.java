package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** A row-major copy of a view. Copying is the identity, so the gradient passes through. */
public final class Contiguous extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    return TensorMath.copy(in[0]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {g};
  }
}
