package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.UnaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * z = tanh a. ∂z/∂a = 1 − z².
 *
 * <p>NOTE: a primitive rather than a composite of exp: (eᵃ − e⁻ᵃ)/(eᵃ + e⁻ᵃ) overflows to ∞/∞ for
 * |a| &gt; 710 and its composed gradient becomes NaN.
 */
public final class TanhOp extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    Tensor z = TensorMath.unary(UnaryOp.TANH, in[0]);
    save(z);
    return z;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor z = saved(0);
    return new Tensor[] {g.mul(z.mul(z).neg().add(1))};
  }
}
