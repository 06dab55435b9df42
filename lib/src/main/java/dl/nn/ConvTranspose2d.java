package dl.nn;

import dl.Check;
import dl.nn.functional.Conv;
import dl.nn.functional.Window;
import dl.tensor.Tensor;
import java.util.Locale;

/**
 * Transposed ("fractionally strided") convolution: each input pixel stamps a weighted copy of the
 * kernel into the output, so stride s makes the image s times larger. It is the gradient of a
 * convolution with respect to its input, used as a layer for upsampling.
 *
 * <p>Shape: input [N, C_in, H, W] → [N, C_out, OH, OW] with OH = (H − 1)·s − 2p + d·(k − 1) +
 * outputPadding + 1. Weight [C_in, C_out/groups, kh, kw], bias [C_out].
 *
 * <p>Groups and bias decide the parameters' shapes, so they are given when the layer is built
 * ({@link Conv2d.Options}); the weights are drawn once.
 */
public final class ConvTranspose2d extends Module {
  private final int in, out, kh, kw;
  private Window window;
  private int[] outputPadding = {0, 0};
  private int groups = 1;
  private boolean withBias = true;
  private Tensor weight, bias;

  public ConvTranspose2d(int in, int out, int kernel) {
    this(in, out, kernel, kernel, Conv2d.options());
  }

  public ConvTranspose2d(int in, int out, int kh, int kw) {
    this(in, out, kh, kw, Conv2d.options());
  }

  /** {@code new ConvTranspose2d(64, 32, 4, false)}: without the bias term. */
  public ConvTranspose2d(int in, int out, int kernel, boolean bias) {
    this(in, out, kernel, kernel, Conv2d.options().bias(bias));
  }

  public ConvTranspose2d(int in, int out, int kernel, Conv2d.Options options) {
    this(in, out, kernel, kernel, options);
  }

  public ConvTranspose2d(int in, int out, int kh, int kw, Conv2d.Options options) {
    Check.argument(
        in > 0 && out > 0 && kh > 0 && kw > 0,
        "ConvTranspose2d",
        "channels and kernel size must be positive, got in=%d out=%d kernel=%dx%d",
        in,
        out,
        kh,
        kw);
    this.in = in;
    this.out = out;
    this.kh = kh;
    this.kw = kw;
    this.window = Window.of("ConvTranspose2d", kh, kw);
    checkGroups(options.groups());
    this.groups = options.groups();
    this.withBias = options.bias();
    initParameters();
  }

  private void initParameters() {
    int fanIn = (out / groups) * kh * kw;
    weight = param("weight", Init.kaimingUniform(fanIn, in, out / groups, kh, kw));
    bias = withBias ? param("bias", Tensor.zeros(out)) : null;
  }

  public ConvTranspose2d stride(int s) {
    window = window.stride(s);
    return this;
  }

  /** Rows and columns cropped from each side of the output (the padding of the matching conv). */
  public ConvTranspose2d padding(int p) {
    window = window.padding(p);
    return this;
  }

  /** Extra rows/columns added at the bottom/right, to pick among the sizes a stride can map to. */
  public ConvTranspose2d outputPadding(int p) {
    outputPadding = new int[] {p, p};
    return this;
  }

  public ConvTranspose2d dilation(int d) {
    window = window.dilation(d);
    return this;
  }

  /**
   * Splits channels into groups.
   *
   * @deprecated draws the weight a second time, so the weights and every later random number differ
   *     from a layer built with its groups; pass them when building the layer: {@code new
   *     ConvTranspose2d(in, out, k, Conv2d.options().groups(g))}.
   */
  @Deprecated
  public ConvTranspose2d groups(int g) {
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
        "ConvTranspose2d",
        "groups %d must divide both %d input and %d output channels",
        g,
        in,
        out);
  }

  /**
   * With or without the bias term (default with). Adds or removes only the bias (a new one starts
   * at zero): the weight keeps its values and identity.
   */
  public ConvTranspose2d bias(boolean on) {
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

  /** The bias, or null when built without one. */
  public Tensor bias() {
    return bias;
  }

  /** Kernel size, stride, padding and dilation. */
  public Window window() {
    return window;
  }

  @Override
  public Tensor forward(Tensor x) {
    try {
      return Conv.convTranspose2d(x, weight, bias, window, outputPadding, groups);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected String describe() {
    return String.format(
        Locale.ROOT,
        "ConvTranspose2d(%d -> %d, kernel %dx%d, stride %d)",
        in,
        out,
        kh,
        kw,
        window.strideH());
  }
}
