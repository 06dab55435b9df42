package dl.tensor;

import dl.DType;
import dl.backend.Backend;
import dl.backend.ConvGeometry;
import dl.backend.FusedBatchNorm;
import dl.backend.FusedConvolution;
import dl.backend.View;
import java.util.Optional;

/**
 * The fused kernels a backend may offer ({@link FusedConvolution}, {@link FusedBatchNorm}), called
 * on tensors. Each returns empty when the tensors' backend does not offer the kernel or declines
 * these operands; the op that asked then computes the same result from ordinary tensor ops.
 * Operands are checked here, whatever the backend, since a fused kernel trusts its views.
 */
public final class Fused {
  private Fused() {}

  // ---------------------------------------------------------------- convolution

  /**
   * Convolution without bias, x [N, C, H, W] with weight [C_out, C/groups, kh, kw] of the same
   * dtype → [N, C_out, OH, OW], or empty.
   */
  public static Optional<Tensor> conv2d(Tensor x, Tensor weight, ConvGeometry g, int groups) {
    Backend backend = TensorMath.backendOf("conv2d", x, weight);
    TensorMath.checkImages("conv2d", x, g);
    if (!(backend instanceof FusedConvolution fused) || !fused.offersConvolution(x.dtype()))
      return Optional.empty();
    Tensor w = TensorMath.contiguous(weight);
    Tensor out =
        TensorMath.zeros(backend, Shape.of(g.n(), weight.size(0), g.outH(), g.outW()), x.dtype());
    boolean done = fused.conv2d(x.layout(), w.layout(), g, groups, out.layout());
    return done ? Optional.of(out) : Optional.empty();
  }

  /**
   * The two gradients of {@link #conv2d} from ∂L/∂Y: {∂L/∂X, ∂L/∂W}, each null unless asked for; or
   * empty.
   */
  public static Optional<Tensor[]> conv2dBackward(
      Tensor gOut,
      Tensor x,
      Tensor weight,
      ConvGeometry g,
      int groups,
      boolean input,
      boolean weights) {
    Backend backend = TensorMath.backendOf("conv2d backward", gOut, x, weight);
    if (!(backend instanceof FusedConvolution fused) || !fused.offersConvolution(x.dtype()))
      return Optional.empty();
    Tensor dy = TensorMath.contiguous(gOut), w = TensorMath.contiguous(weight);
    Tensor gx = input ? TensorMath.zeros(backend, x.shape(), x.dtype()) : null;
    Tensor gw = weights ? TensorMath.zeros(backend, weight.shape(), weight.dtype()) : null;
    boolean done =
        fused.conv2dBackward(
            dy.layout(),
            x.layout(),
            w.layout(),
            g,
            groups,
            gx == null ? null : gx.layout(),
            gw == null ? null : gw.layout());
    return done ? Optional.of(new Tensor[] {gx, gw}) : Optional.empty();
  }

  // ---------------------------------------------------------------- batch normalisation

  /**
   * Per-channel mean and biased variance of x [N, C, …] over every axis but 1: {@code {mean, var}},
   * each [C]; or empty.
   */
  public static Optional<Tensor[]> channelMoments(Tensor x) {
    checkChannels(x);
    Backend backend = x.buffer().backend();
    if (!(backend instanceof FusedBatchNorm fused)) return Optional.empty();
    Shape c = Shape.of(x.size(1));
    Tensor mean = TensorMath.zeros(backend, c, x.dtype());
    Tensor var = TensorMath.zeros(backend, c, x.dtype());
    fused.channelMoments(x.layout(), mean.layout(), var.layout());
    return Optional.of(new Tensor[] {mean, var});
  }

  /**
   * {@code (x − center[c]) · scale[c] + shift[c]} (+ {@code g · gScale[c]} when g is given) for x
   * [N, C, …] and [C] vectors, in x's dtype; or empty.
   */
  public static Optional<Tensor> channelAffine(
      Tensor x, Tensor center, Tensor scale, Tensor shift, Tensor g, Tensor gScale) {
    checkChannels(x);
    Backend backend =
        g == null
            ? TensorMath.backendOf("batchNorm", x, center, scale, shift)
            : TensorMath.backendOf("batchNorm", x, center, scale, shift, g, gScale);
    if (!(backend instanceof FusedBatchNorm fused)) return Optional.empty();
    DType dtype = x.dtype();
    Tensor out = TensorMath.zeros(backend, x.shape(), dtype);
    fused.channelAffine(
        x.layout(),
        vector(center, dtype),
        vector(scale, dtype),
        vector(shift, dtype),
        g == null ? null : TensorMath.cast(g, dtype).layout(),
        g == null ? null : vector(gScale, dtype),
        out.layout());
    return Optional.of(out);
  }

  /** {@code {Σ g, Σ g · (x − center[c])}} per channel over every axis but 1, each [C]; or empty. */
  public static Optional<Tensor[]> channelGradSums(Tensor g, Tensor x, Tensor center) {
    checkChannels(x);
    Backend backend = TensorMath.backendOf("batchNorm", g, x, center);
    if (!(backend instanceof FusedBatchNorm fused)) return Optional.empty();
    Shape c = Shape.of(x.size(1));
    Tensor sumG = TensorMath.zeros(backend, c, x.dtype());
    Tensor sumGX = TensorMath.zeros(backend, c, x.dtype());
    fused.channelGradSums(
        TensorMath.cast(g, x.dtype()).layout(),
        x.layout(),
        vector(center, x.dtype()),
        sumG.layout(),
        sumGX.layout());
    return Optional.of(new Tensor[] {sumG, sumGX});
  }

  private static void checkChannels(Tensor x) {
    dl.Check.argument(x.dim() >= 2, "batchNorm", "expected input [N, C, ...], got %s", x.shape());
  }

  /** A [C] per-channel vector as a view of the given dtype. */
  private static View vector(Tensor v, DType dtype) {
    return TensorMath.reshape(TensorMath.cast(v, dtype), Shape.of(v.numel())).layout();
  }
}
