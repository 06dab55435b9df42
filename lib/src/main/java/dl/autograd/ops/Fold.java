package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.ConvGeometry;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * col2im: adds columns back into the windows they describe (overlapping windows sum). It is the
 * transpose of {@link Unfold}, which is what a transposed convolution needs; its backward is
 * therefore im2col.
 */
public final class Fold extends Function {
  private final ConvGeometry geometry;

  public Fold(ConvGeometry geometry) {
    this.geometry = geometry;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return TensorMath.fold(in[0], geometry);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {TensorMath.unfold(g, geometry)};
  }
}
