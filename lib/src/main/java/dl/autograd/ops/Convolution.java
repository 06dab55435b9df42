package dl.autograd.ops;

import dl.DType;
import dl.autograd.Function;
import dl.backend.ConvGeometry;
import dl.tensor.Fused;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;
import java.util.Optional;

/**
 * 2-D convolution (cross-correlation) of images X [N, C, H, W] with weights W [C_out, C/G, kh, kw]
 * in G groups: group q maps input channels [q·C/G, (q+1)·C/G) to output channels [q·C_out/G,
 * (q+1)·C_out/G). Unfold (im2col) copies every window into a column, [C·kh·kw, N·OH·OW], so per
 * group the convolution is one matrix product, and its gradients are the matrix product's:
 *
 * <pre>
 *   forward:   Y_q     = W_q · unfold(X)_q
 *   backward:  ∂L/∂X   = fold(W_qᵀ · ∂L/∂Y_q)      fold adds each column back onto the pixels
 *                                                   it was copied from (the adjoint of unfold)
 *              ∂L/∂W_q = ∂L/∂Y_q · unfold(X)_qᵀ     the columns of every image: a sum over images
 * </pre>
 *
 * <p>The code says exactly this, with the groups as the batch axis of the matrix products: W as [G,
 * C_out/G, C/G·kh·kw], the columns as [G, C/G·kh·kw, N·OH·OW], Y as [G, C_out/G, N·OH·OW].
 *
 * <p>An optional third input, the bias as [1, C_out, 1, 1], is added to Y in place, as a broadcast
 * add would add it; its gradient is ∂L/∂Y, which the engine sums back to [1, C_out, 1, 1]. NOTE: in
 * place rather than a separate add, which would allocate and fill a second tensor the size of Y;
 * the sums and their order are the same, so are the bits.
 *
 * <p>NOTE: a backend may compute the same thing fused ({@link dl.backend.FusedConvolution}); the
 * CPU backend goes image by image, so each image's columns stay in cache instead of the whole
 * batch's being unfolded at once. Where the backend offers it for these operands the op uses it.
 * ConvolutionPathsTest holds the two paths to the same results: the output bit for bit; ∂L/∂X bit
 * for bit too, except where the CPU computes a stride-1 ∂L/∂X as the forward convolution of ∂L/∂Y
 * with the flipped kernel (one sum over channels and offsets together, so to rounding); ∂L/∂W to
 * rounding (the two add its N·OH·OW products in different orders).
 */
public final class Convolution extends Function {
  private final ConvGeometry geometry;
  private final int groups;
  private final boolean fused;
  private boolean hasBias;

  public Convolution(ConvGeometry geometry, int groups) {
    this(geometry, groups, true);
  }

  /** With {@code fused} false, always the plain path below (for tests that compare the two). */
  Convolution(ConvGeometry geometry, int groups, boolean fused) {
    this.geometry = geometry;
    this.groups = groups;
    this.fused = fused;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    save(in[0], in[1]);
    hasBias = in.length == 3;
    Tensor y = convolve(in[0], in[1]);
    if (hasBias) y.addInPlace(in[2]); // Y + b, the bias [1, C_out, 1, 1] broadcast
    return y;
  }

  private Tensor convolve(Tensor xIn, Tensor wIn) {
    DType type = DType.promote(xIn.dtype(), wIn.dtype());
    Tensor x = xIn.to(type), w = wIn.to(type);
    Optional<Tensor> fast = fused ? Fused.conv2d(x, w, geometry, groups) : Optional.empty();
    if (fast.isPresent()) return fast.get();

    int n = geometry.n(), cOut = w.size(0), oh = geometry.outH(), ow = geometry.outW();
    Tensor y = weights(w).matmul(columns(x)); // Y_q = W_q · unfold(X)_q   [G, C_out/G, N·OH·OW]
    return y.reshape(groups, cOut / groups, n, oh * ow)
        .permute(2, 0, 1, 3) // each image's output channels together
        .reshape(n, cOut, oh, ow);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    DType type = DType.promote(saved(0).dtype(), saved(1).dtype());
    Tensor x = saved(0).to(type), w = saved(1).to(type), dy = g.to(type);
    Optional<Tensor[]> fast =
        fused
            ? Fused.conv2dBackward(dy, x, w, geometry, groups, needsGrad(0), needsGrad(1))
            : Optional.empty();
    if (fast.isPresent()) return inputTypes(fast.get()[0], fast.get()[1], g);

    int n = geometry.n(), cOut = w.size(0), l = geometry.outH() * geometry.outW();
    Tensor gy = // ∂L/∂Y in the product's layout, [G, C_out/G, N·OH·OW]
        dy.reshape(n, groups, cOut / groups, l)
            .permute(1, 2, 0, 3)
            .reshape(groups, cOut / groups, n * l);
    Tensor dx = null, dw = null;
    if (needsGrad(0)) {
      // ∂L/∂X = fold(W_qᵀ · ∂L/∂Y_q)
      Tensor gColumns = weights(w).transpose(1, 2).matmul(gy);
      dx = TensorMath.fold(gColumns.reshape(geometry.rows(), geometry.columns()), geometry);
    }
    if (needsGrad(1)) {
      // ∂L/∂W_q = ∂L/∂Y_q · unfold(X)_qᵀ, the product summing over the columns of every image
      dw = gy.matmul(columns(x).transpose(1, 2)).reshape(w.shape().toArray());
    }
    return inputTypes(dx, dw, g);
  }

  /** W [C_out, C/G, kh, kw] as [G, C_out/G, C/G·kh·kw]: one weight matrix per group. */
  private Tensor weights(Tensor w) {
    return w.reshape(groups, w.size(0) / groups, geometry.rows() / groups);
  }

  /** unfold(X) [C·kh·kw, N·OH·OW] as [G, C/G·kh·kw, N·OH·OW]: one block of rows per group. */
  private Tensor columns(Tensor x) {
    return TensorMath.unfold(x, geometry)
        .reshape(groups, geometry.rows() / groups, geometry.columns());
  }

  /**
   * The gradients in the dtypes of the inputs they belong to (forward widened a mixed pair), and
   * with a bias its gradient ∂L/∂Y as it came (the bias has Y's dtype: see {@link
   * dl.nn.functional.Conv#conv2d}).
   */
  private Tensor[] inputTypes(Tensor dx, Tensor dw, Tensor dy) {
    Tensor x = dx == null ? null : dx.to(saved(0).dtype());
    Tensor w = dw == null ? null : dw.to(saved(1).dtype());
    return hasBias ? new Tensor[] {x, w, needsGrad(2) ? dy : null} : new Tensor[] {x, w};
  }
}
