package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.BinaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * z = max(a, b) elementwise. The gradient goes to whichever input is larger; on a tie it is split
 * in half, so the sum of both gradients is still g.
 */
public final class Maximum extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0], in[1]);
    return TensorMath.binary(BinaryOp.MAX, in[0], in[1]);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor a = saved(0), b = saved(1);
    Tensor aWins = a.gt(b).add(a.eq(b).mul(0.5));
    return new Tensor[] {g.mul(aWins), g.mul(aWins.neg().add(1))};
  }
}
