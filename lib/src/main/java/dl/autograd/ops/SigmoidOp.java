package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.UnaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * σ(a) = 1 / (1 + e⁻ᵃ). ∂σ/∂a = σ(a) · (1 − σ(a)).
 *
 * <p>NOTE: a primitive rather than a composite: composed from exp and pow, a large negative input
 * makes e⁻ᵃ = ∞ and the chain rule multiplies 0 by ∞ (NaN).
 */
public final class SigmoidOp extends Function {
  @Override
  protected Tensor forward(Tensor... in) {
    Tensor s = TensorMath.unary(UnaryOp.SIGMOID, in[0]);
    save(s);
    return s;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor s = saved(0);
    return new Tensor[] {g.mul(s.mul(s.neg().add(1)))};
  }
}
