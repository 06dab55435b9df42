package dl.nn.functional;

import dl.Check;
import dl.backend.ConvGeometry;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where a sliding window goes over an image: kernel size, stride, padding and dilation, each for
 * height and width. Convolution, transposed convolution and pooling share it, as PyTorch's {@code
 * _ConvNd} and {@code _MaxPoolNd} hold the same four settings, so they are checked here and nowhere
 * else. The layers' chained setters ({@code new MaxPool2d(3).stride(2).padding(1)}) each make a new
 * window.
 *
 * <pre>{@code
 * jshell> Window.of("MaxPool2d", 3, 3).stride(2).padding(1)
 * $1 ==> MaxPool2d window 3x3, stride 2x2, padding 1x1, dilation 1x1
 * jshell> Window.of("Conv2d", 3, 3).stride(0)
 * IllegalArgumentException: Conv2d: stride must be positive, got 0x0
 * }</pre>
 *
 * <p>Padding is per side (top, bottom, left, right) because "same" padding of an even kernel is
 * uneven: the extra row goes at the bottom, the extra column at the right. With {@code same} set
 * the padding follows the kernel and dilation, so {@code .padding("same").dilation(2)} still keeps
 * the image's size.
 *
 * @param op the layer or function that error messages name, e.g. "Conv2d" or "maxPool2d"
 */
public record Window(
    String op,
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padTop,
    int padBottom,
    int padLeft,
    int padRight,
    int dilationH,
    int dilationW,
    boolean same) {

  /** Checks every setting; with {@code same}, computes the padding from kernel and dilation. */
  public Window {
    Check.argument(
        kernelH > 0 && kernelW > 0,
        op,
        "kernel size must be positive, got %dx%d",
        kernelH,
        kernelW);
    Check.argument(
        strideH > 0 && strideW > 0, op, "stride must be positive, got %dx%d", strideH, strideW);
    Check.argument(
        dilationH > 0 && dilationW > 0,
        op,
        "dilation must be positive, got %dx%d",
        dilationH,
        dilationW);
    if (same) {
      // "same needs stride 1" is checked where the window is used (over), so a chain may set
      // padding("same") before it sets the stride back to 1.
      int th = dilationH * (kernelH - 1), tw = dilationW * (kernelW - 1);
      padTop = th / 2;
      padBottom = th - th / 2;
      padLeft = tw / 2;
      padRight = tw - tw / 2;
    }
    if (padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0)
      throw Check.badArgument(
          op,
          "padding must be non-negative, got %s",
          paddingText(padTop, padBottom, padLeft, padRight));
  }

  /** A kh×kw window with stride 1, no padding and no dilation. */
  public static Window of(String op, int kh, int kw) {
    return new Window(op, kh, kw, 1, 1, 0, 0, 0, 0, 1, 1, false);
  }

  /**
   * From the arrays the functions in {@link Conv} and {@link Pool} take: kernel, stride and
   * dilation as {@code {h, w}}, padding as {@code {top, bottom, left, right}}.
   */
  public static Window of(String op, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    pair(op, "kernel size", kernel);
    pair(op, "stride", stride);
    pair(op, "dilation", dilation);
    if (padding.length != 4)
      throw Check.badArgument(
          op, "padding must be {top, bottom, left, right}, got %s", Arrays.toString(padding));
    return new Window(
        op,
        kernel[0],
        kernel[1],
        stride[0],
        stride[1],
        padding[0],
        padding[1],
        padding[2],
        padding[3],
        dilation[0],
        dilation[1],
        false);
  }

  private static void pair(String op, String what, int[] values) {
    if (values.length != 2)
      throw Check.badArgument(op, "%s must be {h, w}, got %s", what, Arrays.toString(values));
  }

  public Window stride(int s) {
    return stride(s, s);
  }

  public Window stride(int sh, int sw) {
    return new Window(
        op, kernelH, kernelW, sh, sw, padTop, padBottom, padLeft, padRight, dilationH, dilationW,
        same);
  }

  /** p rows above and below, p columns left and right. */
  public Window padding(int p) {
    return padding(p, p);
  }

  public Window padding(int ph, int pw) {
    return padding(ph, ph, pw, pw);
  }

  public Window padding(int top, int bottom, int left, int right) {
    return new Window(
        op, kernelH, kernelW, strideH, strideW, top, bottom, left, right, dilationH, dilationW,
        false);
  }

  /**
   * {@code "same"}: pad so the output has the input's size (stride 1; the extra row or column of an
   * even kernel goes bottom/right); {@code "valid"}: no padding.
   */
  public Window padding(String mode) {
    Check.argument(
        mode.equals("same") || mode.equals("valid"),
        op,
        "padding mode must be \"same\" or \"valid\", got \"%s\"",
        mode);
    return mode.equals("same")
        ? new Window(op, kernelH, kernelW, strideH, strideW, 0, 0, 0, 0, dilationH, dilationW, true)
        : padding(0);
  }

  public Window dilation(int d) {
    return dilation(d, d);
  }

  public Window dilation(int dh, int dw) {
    return new Window(
        op, kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight, dh, dw, same);
  }

  /** {@code {kh, kw}} (a fresh array). */
  public int[] kernelSize() {
    return new int[] {kernelH, kernelW};
  }

  /** {@code {sh, sw}} (a fresh array). */
  public int[] stride() {
    return new int[] {strideH, strideW};
  }

  /**
   * Padding before the first row and the first column, {@code {top, left}} (a fresh array); with
   * "same" padding and an even kernel the bottom/right get one more.
   */
  public int[] padding() {
    return new int[] {padTop, padLeft};
  }

  /** {@code {top, bottom, left, right}} (a fresh array). */
  public int[] paddingPerSide() {
    return new int[] {padTop, padBottom, padLeft, padRight};
  }

  /** {@code {dh, dw}} (a fresh array). */
  public int[] dilation() {
    return new int[] {dilationH, dilationW};
  }

  /** Rows and columns the kernel covers, d·(k − 1) + 1 along each axis. */
  public int[] span() {
    return new int[] {dilationH * (kernelH - 1) + 1, dilationW * (kernelW - 1) + 1};
  }

  /** This window over a batch of n images of c×h×w (the backends' description). */
  public ConvGeometry over(int n, int c, int h, int w) {
    if (same && (strideH != 1 || strideW != 1))
      throw Check.badArgument(op, "padding \"same\" needs stride 1, got %dx%d", strideH, strideW);
    return new ConvGeometry(
        n, c, h, w, kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight,
        dilationH, dilationW);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%s window %dx%d, stride %dx%d, padding %s, dilation %dx%d",
        op,
        kernelH,
        kernelW,
        strideH,
        strideW,
        same ? "same" : paddingText(padTop, padBottom, padLeft, padRight),
        dilationH,
        dilationW);
  }

  /** "1x2" when symmetric, else "[top, bottom, left, right]". */
  private static String paddingText(int top, int bottom, int left, int right) {
    return top == bottom && left == right
        ? top + "x" + left
        : Arrays.toString(new int[] {top, bottom, left, right});
  }
}
