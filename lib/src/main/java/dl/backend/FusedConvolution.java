package dl.backend;

import dl.DType;

/**
 * A backend's own convolution kernels, offered on top of {@link Backend}. The op {@code
 * dl.autograd.ops.Convolution} states convolution as unfold and matrix products (per group q, Y_q =
 * W_q · unfold(X)_q); a backend that implements this interface computes the same thing in fewer
 * passes (the CPU backend goes image by image, so each image's columns stay in cache). Optional: a
 * backend without it runs the op's plain tensor code.
 *
 * <p>Each method returns false, having written nothing, for operands it does not handle (the CPU
 * one takes only float32 with SIMD); the op then computes the result plainly.
 */
public interface FusedConvolution {

  /**
   * Whether the kernels below take operands of this dtype at all: asked before the outputs are
   * allocated, so a dtype the backend never handles costs nothing. They may still decline a layout.
   */
  boolean offersConvolution(DType dtype);

  /**
   * Convolution forward without bias: {@code out} [N, C_out, OH, OW] (contiguous, zeroed) from
   * {@code x} [N, C, H, W] and {@code weight} [C_out, C/groups, kh, kw] (contiguous), all of one
   * dtype. Group {@code q} maps input channels [q·C/G, (q+1)·C/G) to output channels [q·C_out/G,
   * (q+1)·C_out/G).
   */
  boolean conv2d(View x, View weight, ConvGeometry g, int groups, View out);

  /**
   * Convolution backward: given {@code gOut} = ∂L/∂Y [N, C_out, OH, OW] (contiguous), writes ∂L/∂X
   * = fold(Wᵀ · ∂L/∂Y) into {@code gx} and ∂L/∂W = Σ over images of ∂L/∂Y · unfold(X)ᵀ into {@code
   * gw} (either may be null when not needed; both contiguous and overwritten).
   */
  boolean conv2dBackward(
      View gOut, View x, View weight, ConvGeometry g, int groups, View gx, View gw);
}
