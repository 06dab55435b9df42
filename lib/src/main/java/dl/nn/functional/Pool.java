package dl.nn.functional;

import dl.Check;
import dl.autograd.ops.MaxPool2dOp;
import dl.autograd.ops.Scatter;
import dl.autograd.ops.Unfold;
import dl.backend.ConvGeometry;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import java.util.Arrays;

/**
 * Pooling on images [N, C, H, W]: the maximum or the mean of each window, and their inverses and
 * variants. Max pooling is a primitive ({@link MaxPool2dOp}: backward sends each gradient to the
 * position that won); average pooling is the mean over unfolded windows.
 *
 * <p>As in {@link Conv}, each windowed function takes a {@link Window} or arrays (sizes as {@code
 * {h, w}}, padding as {@code {top, bottom, left, right}}, see {@link Conv#pad}).
 */
public final class Pool {
  private Pool() {}

  private static void images(String op, Tensor x) {
    Check.argument(x.dim() == 4, op, "expected input [N, C, H, W], got %s", x.shape());
  }

  /** Max pooling over kh×kw windows. Shape: [N, C, H, W] → [N, C, OH, OW]. */
  public static Tensor maxPool2d(
      Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    return maxPool2dWithIndices(x, kernel, stride, padding, dilation)[0];
  }

  /**
   * Max pooling that also returns where each maximum was (flat ih·W + iw per plane), for unpooling.
   */
  public static Tensor[] maxPool2dWithIndices(
      Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    return maxPool2dWithIndices(
        x, Window.of("maxPool2d", kernel, stride, padding, dilation), false);
  }

  /**
   * Max pooling with its indices over {@code window}. With {@code ceilMode} the output size is
   * rounded up instead of down, so a last, partial window at the bottom/right still counts
   * (PyTorch's ceil_mode): 7×7 pooled 2×2 gives 4×4 instead of 3×3.
   */
  public static Tensor[] maxPool2dWithIndices(Tensor x, Window window, boolean ceilMode) {
    String op = "maxPool2d";
    images(op, x);
    // The bottom/right padding may exceed half the kernel (ceil mode adds to it); every window
    // still
    // starts inside the image, so none sees only padding.
    halfKernel(op, window, true);
    Window w = ceilMode ? ceilPadding(window, x.size(2), x.size(3)) : window;
    MaxPool2dOp pool = new MaxPool2dOp(Conv.geometry(op, x, w));
    Tensor out = pool.apply(x);
    return new Tensor[] {out, pool.indices()};
  }

  /**
   * The window with, in ceil mode, the extra rows/columns at the bottom/right that the partial
   * windows of an h×w input need.
   */
  private static Window ceilPadding(Window window, int h, int w) {
    int[] p = window.paddingPerSide(), in = {h, w};
    int[] stride = window.stride(), span = window.span();
    for (int axis = 0; axis < 2; axis++) {
      int before = p[2 * axis], after = p[2 * axis + 1];
      int out = -Math.floorDiv(-(in[axis] + before + after - span[axis]), stride[axis]) + 1;
      if ((out - 1) * stride[axis] >= in[axis] + before)
        out--; // PyTorch: the last window must start inside
      p[2 * axis + 1] = Math.max(after, (out - 1) * stride[axis] + span[axis] - in[axis] - before);
    }
    return window.padding(p[0], p[1], p[2], p[3]);
  }

  /**
   * Padding at most half the kernel on the top and left (and on every side unless endsMayExceed).
   */
  private static void halfKernel(String op, Window window, boolean endsMayExceed) {
    int halfH = window.kernelH() / 2, halfW = window.kernelW() / 2;
    boolean starts = window.padTop() <= halfH && window.padLeft() <= halfW;
    boolean ends = window.padBottom() <= halfH && window.padRight() <= halfW;
    if (!starts || !(ends || endsMayExceed))
      throw Check.badArgument(
          op,
          "padding %s must be at most half the kernel %s, or a window could see only padding",
          Arrays.toString(window.paddingPerSide()),
          Arrays.toString(window.kernelSize()));
  }

  /**
   * Puts each pooled value back where its maximum came from, zeros elsewhere.
   *
   * <p>Shape: x and indices [N, C, OH, OW] → [N, C, outH, outW].
   */
  public static Tensor maxUnpool2d(Tensor x, Tensor indices, int outH, int outW) {
    Check.argument(
        x.dim() == 4 && x.shape().equals(indices.shape()),
        "maxUnpool2d",
        "expected input and indices of one shape [N, C, OH, OW], got %s and %s",
        x.shape(),
        indices.shape());
    int n = x.size(0), c = x.size(1);
    Tensor flat =
        new Scatter(Shape.of(n, c, outH * outW), 2)
            .apply(x.reshape(n, c, -1), indices.reshape(n, c, -1));
    return flat.reshape(n, c, outH, outW);
  }

  /** Average pooling; padding counts as zeros in the average (PyTorch's default). */
  public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    return avgPool2d(x, Window.of("avgPool2d", kernel, stride, padding, new int[] {1, 1}));
  }

  /** {@link #avgPool2d(Tensor, int[], int[], int[])} over {@code window} (no dilation). */
  public static Tensor avgPool2d(Tensor x, Window window) {
    String op = "avgPool2d";
    images(op, x);
    Check.argument(
        window.dilationH() == 1 && window.dilationW() == 1,
        op,
        "dilation must be 1x1, got %dx%d",
        window.dilationH(),
        window.dilationW());
    halfKernel(op, window, false);
    ConvGeometry g = Conv.geometry(op, x, window);
    int n = x.size(0), c = x.size(1);
    Tensor cols =
        new Unfold(g).apply(x).reshape(c, window.kernelH() * window.kernelW(), g.columns());
    return cols.mean(1).reshape(c, n, g.outH(), g.outW()).permute(1, 0, 2, 3);
  }

  /**
   * Average pooling to a fixed output size: output cell i covers input rows ⌊i·H/out⌋ to
   * ⌈(i+1)·H/out⌉ (PyTorch's rule). {@code (1, 1)} is global average pooling.
   */
  public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
    String op = "adaptiveAvgPool2d";
    images(op, x);
    Check.argument(outH > 0 && outW > 0, op, "output size must be positive, got %dx%d", outH, outW);
    int h = x.size(2), w = x.size(3);
    if (outH == 1 && outW == 1) return x.mean(new int[] {2, 3}, true);
    Tensor[] rows = new Tensor[outH];
    for (int i = 0; i < outH; i++) {
      int h0 = Math.floorDiv(i * h, outH), h1 = -Math.floorDiv(-(i + 1) * h, outH);
      Tensor[] cells = new Tensor[outW];
      for (int j = 0; j < outW; j++) {
        int w0 = Math.floorDiv(j * w, outW), w1 = -Math.floorDiv(-(j + 1) * w, outW);
        cells[j] = x.slice(2, h0, h1).slice(3, w0, w1).mean(new int[] {2, 3}, true);
      }
      rows[i] = Tensor.cat(3, cells);
    }
    return Tensor.cat(2, rows);
  }
}
