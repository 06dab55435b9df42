package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.BinaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = aᵖ for a constant exponent p. ∂z/∂a = p · aᵖ⁻¹. */
public final class Pow extends Function {
  private final double exponent;

  public Pow(double exponent) {
    this.exponent = exponent;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0]);
    return TensorMath.binary(BinaryOp.POW, in[0], TensorMath.scalarLike(in[0], exponent));
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor a = saved(0);
    return new Tensor[] {g.mul(a.pow(exponent - 1).mul(exponent))};
  }

  @Override
  public String name() {
    return "Pow";
  }
}
