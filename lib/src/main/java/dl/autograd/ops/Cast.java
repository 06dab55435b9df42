package dl.autograd.ops;

import dl.DType;
import dl.autograd.Function;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** Converts the element type. The gradient is converted back to the input's type. */
public final class Cast extends Function {
  private final DType dtype;
  private DType inputType;

  public Cast(DType dtype) {
    this.dtype = dtype;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    inputType = in[0].dtype();
    return TensorMath.cast(in[0], dtype);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {TensorMath.cast(g, inputType)};
  }
}
