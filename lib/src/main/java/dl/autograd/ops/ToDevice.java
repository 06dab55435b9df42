package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.Backend;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** Copies a tensor to another device; the gradient is copied back to the input's device. */
public final class ToDevice extends Function {
  private final Backend device;
  private Backend source;

  public ToDevice(Backend device) {
    this.device = device;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    source = in[0].device();
    return TensorMath.transfer(in[0], device);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {TensorMath.transfer(g, source)};
  }
}
