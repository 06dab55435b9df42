package dl.nn.functional;

import dl.Check;
import dl.DType;
import dl.autograd.ops.Convolution;
import dl.autograd.ops.Fold;
import dl.backend.ConvGeometry;
import dl.tensor.Tensor;

/**
 * Convolution and its transpose on images [N, C, H, W]. Convolution is a matrix product over
 * unfolded windows (im2col), one primitive ({@link Convolution}) with its forward and backward
 * equations side by side; the transpose is composed from matmul and {@link Fold}. Pooling is in
 * {@link Pool}, normalisation in {@link Norm}, dropout in {@link Dropouts}.
 *
 * <p>Each function comes in two forms: with a {@link Window} (what the layers keep) and with arrays
 * (sizes as {@code {h, w}} pairs, padding as {@code {top, bottom, left, right}}, see {@link #pad}).
 * The window's settings are checked when it is made; the input is checked here, once.
 */
public final class Conv {
  private Conv() {}

  /** Symmetric padding p on every side as {top, bottom, left, right}. */
  public static int[] pad(int ph, int pw) {
    return new int[] {ph, ph, pw, pw};
  }

  /** Input [N, channels, H, W], else "op: expected input [N, channels, H, W], got …". */
  static void images(String op, Tensor x, int channels) {
    Check.argument(
        x.dim() == 4,
        op,
        "expected input [N, %d, H, W], got %s (rank %d)",
        channels,
        x.shape(),
        x.dim());
    Check.argument(
        x.size(1) == channels,
        op,
        "expected input [N, %d, H, W], got %s (%d channels)",
        channels,
        x.shape(),
        x.size(1));
  }

  /** The window over x [N, C, H, W], or a message if the kernel does not fit the padded input. */
  static ConvGeometry geometry(String op, Tensor x, Window window) {
    ConvGeometry g = window.over(x.size(0), x.size(1), x.size(2), x.size(3));
    if (g.outH() <= 0 || g.outW() <= 0) {
      int[] span = window.span();
      throw Check.badArgument(
          op,
          "kernel spans %dx%d but the padded input is only %dx%d (input %s)",
          span[0],
          span[1],
          x.size(2) + window.padTop() + window.padBottom(),
          x.size(3) + window.padLeft() + window.padRight(),
          x.shape());
    }
    return g;
  }

  /** A 4-D weight, so its kernel size can be read; {@code layout} names the axes. */
  private static void fourD(String op, Tensor weight, String layout) {
    Check.argument(weight.dim() == 4, op, "expected weight %s, got %s", layout, weight.shape());
  }

  /**
   * 2-D convolution (cross-correlation, as in every deep-learning library).
   *
   * <p>Shape: x [N, C_in, H, W], weight [C_out, C_in/groups, kh, kw], bias [C_out] or null → [N,
   * C_out, OH, OW] with OH = ⌊(H + pad − d·(kh − 1) − 1)/s⌋ + 1.
   */
  public static Tensor conv2d(
      Tensor x,
      Tensor weight,
      Tensor bias,
      int[] stride,
      int[] padding,
      int[] dilation,
      int groups) {
    fourD("conv2d", weight, "[C_out, C_in/groups, kh, kw]");
    int[] kernel = {weight.size(2), weight.size(3)};
    return conv2d(x, weight, bias, Window.of("conv2d", kernel, stride, padding, dilation), groups);
  }

  /** {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)} with a window. */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Window window, int groups) {
    String op = "conv2d";
    Check.argument(
        weight.dim() == 4
            && weight.size(2) == window.kernelH()
            && weight.size(3) == window.kernelW(),
        op,
        "expected weight [C_out, C_in/groups, %d, %d], got %s",
        window.kernelH(),
        window.kernelW(),
        weight.shape());
    Check.positive(op, "groups", groups);
    int cout = weight.size(0), cin = weight.size(1) * groups;
    Check.argument(
        cout % groups == 0, op, "groups %d does not divide %d output channels", groups, cout);
    images(op, x, cin);
    ConvGeometry g = geometry(op, x, window);
    // Per group, Y = W · im2col(X): see Convolution for the forward and backward equations.
    if (bias == null) return new Convolution(g, groups).apply(x, weight);
    Check.argument(
        bias.dim() == 1 && bias.size(0) == cout,
        op,
        "expected bias [%d] (one per output channel), got %s",
        cout,
        bias.shape());
    Tensor b = bias.reshape(1, cout, 1, 1);
    if (b.dtype() == DType.promote(x.dtype(), weight.dtype()))
      return new Convolution(g, groups).apply(x, weight, b); // adds b in place
    // A bias of another dtype: the add promotes the two, as it always did.
    return new Convolution(g, groups).apply(x, weight).add(b);
  }

  /**
   * Transposed ("fractionally strided") convolution: the gradient of conv2d with respect to its
   * input, used as a layer. Each input pixel scatters a weighted copy of the kernel into the
   * output.
   *
   * <p>Shape: x [N, C_in, H, W], weight [C_in, C_out/groups, kh, kw] → [N, C_out, OH, OW] with OH =
   * (H − 1)·s − pad + d·(kh − 1) + outputPadding + 1.
   */
  public static Tensor convTranspose2d(
      Tensor x,
      Tensor weight,
      Tensor bias,
      int[] stride,
      int[] padding,
      int[] outputPadding,
      int[] dilation,
      int groups) {
    fourD("convTranspose2d", weight, "[C_in, C_out/groups, kh, kw]");
    int[] kernel = {weight.size(2), weight.size(3)};
    Window window = Window.of("convTranspose2d", kernel, stride, padding, dilation);
    return convTranspose2d(x, weight, bias, window, outputPadding, groups);
  }

  /**
   * {@link #convTranspose2d(Tensor, Tensor, Tensor, int[], int[], int[], int[], int)} with a
   * window; outputPadding is {@code {h, w}}.
   */
  public static Tensor convTranspose2d(
      Tensor x, Tensor weight, Tensor bias, Window window, int[] outputPadding, int groups) {
    String op = "convTranspose2d";
    int kh = window.kernelH(), kw = window.kernelW();
    Check.argument(
        weight.dim() == 4 && weight.size(2) == kh && weight.size(3) == kw,
        op,
        "expected weight [C_in, C_out/groups, %d, %d], got %s",
        kh,
        kw,
        weight.shape());
    Check.positive(op, "groups", groups);
    int cin = weight.size(0), coutPerGroup = weight.size(1), cout = coutPerGroup * groups;
    Check.argument(
        cin % groups == 0, op, "groups %d does not divide %d input channels", groups, cin);
    images(op, x, cin);
    int[] stride = window.stride();
    // NOTE: PyTorch also allows output padding up to the dilation; we keep it below the stride,
    // where it only chooses among the output sizes that a strided convolution maps to one size.
    if (outputPadding.length != 2
        || outputPadding[0] < 0
        || outputPadding[0] >= stride[0]
        || outputPadding[1] < 0
        || outputPadding[1] >= stride[1])
      throw Check.badArgument(
          op,
          "output padding %s must be smaller than the stride %s",
          java.util.Arrays.toString(outputPadding),
          java.util.Arrays.toString(stride));
    int n = x.size(0), h = x.size(2), w = x.size(3);
    int[] span = window.span();
    int oh =
        (h - 1) * stride[0] - window.padTop() - window.padBottom() + span[0] + outputPadding[0];
    int ow =
        (w - 1) * stride[1] - window.padLeft() - window.padRight() + span[1] + outputPadding[1];
    Check.argument(oh > 0 && ow > 0, op, "output would be %dx%d for input %s", oh, ow, x.shape());
    // The fold's geometry describes the output image; its windows land exactly on the input's
    // pixels.
    ConvGeometry g = window.over(n, cout, oh, ow);
    int k = coutPerGroup * kh * kw, cinPerGroup = cin / groups;
    Tensor xs = x.permute(1, 0, 2, 3).reshape(groups, cinPerGroup, n * h * w);
    Tensor cols =
        weight
            .reshape(groups, cinPerGroup, k)
            .transpose(1, 2)
            .matmul(xs); // [G, C_out/G·kh·kw, N·H·W]
    Tensor y = new Fold(g).apply(cols.reshape(cout * kh * kw, n * h * w));
    return bias == null ? y : y.add(bias.reshape(1, cout, 1, 1));
  }
}
