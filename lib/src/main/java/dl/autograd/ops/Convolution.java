package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.ConvGeometry;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * 2-D convolution (cross-correlation) of images X [N, C, H, W] with weights W [C_out, C/G, kh, kw].
 * Unfolding each image's windows into columns (im2col) makes it a matrix product per group q:
 *
 * <pre>
 *   forward:   Y_q    = W_q · cols(X)_q
 *   backward:  ∂L/∂X  = col2im(W_qᵀ · ∂L/∂Y_q)           (each pixel gets back what its copies got)
 *              ∂L/∂W_q = Σ over images ∂L/∂Y_q · cols(X)_qᵀ
 * </pre>
 *
 * The backend chooses how to run these (the CPU one goes image by image so the unfolded columns
 * stay in cache); bias is added outside, as an ordinary broadcast add.
 */
public final class Convolution extends Function {
  private final ConvGeometry geometry;
  private final int groups;

  public Convolution(ConvGeometry geometry, int groups) {
    this.geometry = geometry;
    this.groups = groups;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0], in[1]);
    return TensorMath.conv2d(in[0], in[1], geometry, groups);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return TensorMath.conv2dBackward(
        g, saved(0), saved(1), geometry, groups, needsGrad(0), needsGrad(1));
  }
}
