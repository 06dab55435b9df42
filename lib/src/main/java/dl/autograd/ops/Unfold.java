package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.ConvGeometry;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * im2col: lays every window of the images out as a column, so a convolution becomes one matrix
 * product (weights [C_out, C·kh·kw] times columns [C·kh·kw, N·OH·OW]). Each input pixel was copied
 * into every window that covers it, so backward adds those copies' gradients back: col2im.
 */
public final class Unfold extends Function {
  private final ConvGeometry geometry;

  public Unfold(ConvGeometry geometry) {
    this.geometry = geometry;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return TensorMath.unfold(in[0], geometry);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {TensorMath.fold(g, geometry)};
  }
}
