package dl.nn;

import dl.Check;
import dl.backend.ConvGeometry;
import dl.nn.functional.Conv;
import dl.nn.functional.Window;
import dl.tensor.Tensor;

/**
 * A 2-D convolution layer: every output channel slides its own kh×kw×C_in filter over the image and
 * sums the products, plus a bias.
 *
 * <pre>{@code
 * var conv = new Conv2d(1, 6, 5).padding(2);          // LeNet-5's first layer
 * var beforeNorm = new Conv2d(64, 64, 3, false).padding(1);   // no bias: batch norm shifts
 * var depthwise = new Conv2d(32, 32, 3, Conv2d.options().groups(32)).padding(1);
 * }</pre>
 *
 * <p>Settings that decide the parameters' shapes (groups, bias) are given when the layer is built,
 * so the weights are drawn once; settings of the window (stride, padding, dilation) are chained,
 * each checked by the {@link Window} that the pooling layers use too.
 *
 * <p>Shape: input [N, C_in, H, W] → [N, C_out, OH, OW] with OH = ⌊(H + 2p − d·(k − 1) − 1)/s⌋ + 1
 * ({@link #outputSize}). Weight [C_out, C_in/groups, kh, kw], bias [C_out].
 */
public final class Conv2d extends Module {
  private final int in, out, kh, kw;
  private Window window;
  private int groups = 1;
  private boolean withBias = true;
  private Tensor weight, bias;

  /**
   * The settings that decide the parameters' shapes, given when the layer is built so its weights
   * are drawn once (PyTorch's {@code groups=} and {@code bias=} arguments). {@link ConvTranspose2d}
   * takes them too.
   *
   * <pre>{@code
   * new Conv2d(32, 32, 3, Conv2d.options().groups(32).bias(false))
   * }</pre>
   */
  public record Options(int groups, boolean bias) {
    public Options {
      Check.positive("Conv2d.options", "groups", groups);
    }

    /**
     * Splits channels into groups convolved separately; groups = in gives a depthwise convolution.
     */
    public Options groups(int g) {
      return new Options(g, bias);
    }

    /** With or without the bias term (default with). */
    public Options bias(boolean on) {
      return new Options(groups, on);
    }
  }

  /**
   * The defaults (one group, with bias), to change with {@code .groups(g)} and {@code .bias(b)}.
   */
  public static Options options() {
    return new Options(1, true);
  }

  public Conv2d(int in, int out, int kernel) {
    this(in, out, kernel, kernel, options());
  }

  public Conv2d(int in, int out, int kh, int kw) {
    this(in, out, kh, kw, options());
  }

  /** {@code new Conv2d(64, 64, 3, false)}: without the bias term. */
  public Conv2d(int in, int out, int kernel, boolean bias) {
    this(in, out, kernel, kernel, options().bias(bias));
  }

  public Conv2d(int in, int out, int kernel, Options options) {
    this(in, out, kernel, kernel, options);
  }

  public Conv2d(int in, int out, int kh, int kw, Options options) {
    Check.argument(
        in > 0 && out > 0 && kh > 0 && kw > 0,
        "Conv2d",
        "channels and kernel size must be positive, got in=%d out=%d kernel=%dx%d",
        in,
        out,
        kh,
        kw);
    this.in = in;
    this.out = out;
    this.kh = kh;
    this.kw = kw;
    this.window = Window.of("Conv2d", kh, kw);
    checkGroups(options.groups());
    this.groups = options.groups();
    this.withBias = options.bias();
    initParameters();
  }

  /**
   * ⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1, the lecture's output-size formula.
   */
  public static int outputSize(int in, int kernel, int stride, int padding, int dilation) {
    return ConvGeometry.outputSize(in, kernel, stride, 2 * padding, dilation);
  }

  private void initParameters() {
    int fanIn = (in / groups) * kh * kw;
    weight = param("weight", Init.kaimingUniform(fanIn, out, in / groups, kh, kw));
    bias = withBias ? param("bias", Tensor.zeros(out)) : null;
  }

  public Conv2d stride(int s) {
    return stride(s, s);
  }

  public Conv2d stride(int sh, int sw) {
    window = window.stride(sh, sw);
    return this;
  }

  public Conv2d padding(int p) {
    return padding(p, p);
  }

  public Conv2d padding(int ph, int pw) {
    window = window.padding(ph, pw);
    return this;
  }

  /**
   * {@code "same"}: pad so the output has the input's size (stride 1; extra padding goes
   * bottom/right); {@code "valid"}: no padding.
   */
  public Conv2d padding(String mode) {
    window = window.padding(mode);
    return this;
  }

  public Conv2d dilation(int d) {
    return dilation(d, d);
  }

  public Conv2d dilation(int dh, int dw) {
    window = window.dilation(dh, dw);
    return this;
  }

  /**
   * Splits channels into groups convolved separately; groups = in gives a depthwise convolution.
   *
   * @deprecated draws the weight a second time (the first draw, for one group, is thrown away), so
   *     the weights and every later random number differ from a layer built with its groups; pass
   *     them when building the layer: {@code new Conv2d(in, out, k, Conv2d.options().groups(g))}.
   */
  @Deprecated
  public Conv2d groups(int g) {
    checkGroups(g);
    if (g == groups) return this;
    groups = g;
    removeParameter("weight"); // NOTE: and the bias, so the order stays weight, bias
    if (withBias) removeParameter("bias");
    initParameters();
    return this;
  }

  private void checkGroups(int g) {
    Check.argument(
        g > 0 && in % g == 0 && out % g == 0,
        "Conv2d",
        "groups %d must divide both %d input and %d output channels",
        g,
        in,
        out);
  }

  /**
   * With or without the bias term (default with), as {@code new Conv2d(in, out, k, false)}. Adds or
   * removes only the bias (a new one starts at zero): the weight keeps its values and identity.
   */
  public Conv2d bias(boolean on) {
    if (on == withBias) return this;
    withBias = on;
    if (on)
      bias = param("bias", Tensor.zeros(out).toInPlace(weight.dtype()).toInPlace(weight.device()));
    else {
      removeParameter("bias");
      bias = null;
    }
    return this;
  }

  public Tensor weight() {
    return weight;
  }

  public Tensor bias() {
    return bias;
  }

  /** Kernel size, stride, padding and dilation. */
  public Window window() {
    return window;
  }

  /** Kernel height and width, e.g. {@code [5, 5]} (read-only copy; receptive fields use it). */
  public int[] kernelSize() {
    return window.kernelSize();
  }

  /** Stride along height and width (read-only copy). */
  public int[] stride() {
    return window.stride();
  }

  /**
   * Padding before the first row and the first column, {@code [top, left]} (read-only copy); with
   * {@code "same"} padding and an even kernel the bottom/right get one more.
   */
  public int[] padding() {
    return window.padding();
  }

  /** Dilation along height and width (read-only copy). */
  public int[] dilation() {
    return window.dilation();
  }

  @Override
  public Tensor forward(Tensor x) {
    try {
      return Conv.conv2d(x, weight, bias, window, groups);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected String describe() {
    StringBuilder sb =
        new StringBuilder("Conv2d(" + in + " -> " + out + ", kernel " + kh + "x" + kw);
    Window w = window;
    if (w.strideH() != 1 || w.strideW() != 1)
      sb.append(", stride ").append(w.strideH()).append('x').append(w.strideW());
    if (w.same()) sb.append(", padding same");
    else if (w.padTop() + w.padLeft() > 0)
      sb.append(", padding ").append(w.padTop()).append('x').append(w.padLeft());
    if (w.dilationH() != 1 || w.dilationW() != 1)
      sb.append(", dilation ").append(w.dilationH()).append('x').append(w.dilationW());
    if (groups != 1) sb.append(", groups ").append(groups);
    if (!withBias) sb.append(", no bias");
    return sb.append(')').toString();
  }
}
