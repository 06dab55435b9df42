package dl.nn;

import dl.nn.functional.Conv;
import dl.tensor.Tensor;

/**
 * Transposed ("fractionally strided") convolution: each input pixel stamps a weighted copy of the
 * kernel into the output, so stride s makes the image s times larger. It is the gradient of a
 * convolution with respect to its input, used as a layer for upsampling.
 *
 * <p>Shape: input [N, C_in, H, W] → [N, C_out, OH, OW] with OH = (H − 1)·s − 2p + d·(k − 1) +
 * outputPadding + 1. Weight [C_in, C_out/groups, kh, kw], bias [C_out].
 */
public final class ConvTranspose2d extends Module {
  private final int in, out, kh, kw;
  private int[] stride = {1, 1}, padding = {0, 0, 0, 0}, outputPadding = {0, 0}, dilation = {1, 1};
  private int groups = 1;
  private boolean withBias = true;
  private Tensor weight, bias;

  public ConvTranspose2d(int in, int out, int kernel) {
    this(in, out, kernel, kernel);
  }

  public ConvTranspose2d(int in, int out, int kh, int kw) {
    if (in <= 0 || out <= 0 || kh <= 0 || kw <= 0) {
      throw new IllegalArgumentException(
          "ConvTranspose2d: channels and kernel size must be positive, got in="
              + in
              + " out="
              + out);
    }
    this.in = in;
    this.out = out;
    this.kh = kh;
    this.kw = kw;
    initParameters();
  }

  private void initParameters() {
    int fanIn = (out / groups) * kh * kw;
    weight = param("weight", Init.kaimingUniform(fanIn, in, out / groups, kh, kw));
    bias = withBias ? param("bias", Tensor.zeros(out)) : null;
  }

  public ConvTranspose2d stride(int s) {
    stride = new int[] {s, s};
    return this;
  }

  public ConvTranspose2d padding(int p) {
    padding = Conv.pad(p, p);
    return this;
  }

  /** Extra rows/columns added at the bottom/right, to pick among the sizes a stride can map to. */
  public ConvTranspose2d outputPadding(int p) {
    outputPadding = new int[] {p, p};
    return this;
  }

  public ConvTranspose2d dilation(int d) {
    dilation = new int[] {d, d};
    return this;
  }

  public ConvTranspose2d groups(int g) {
    if (g <= 0 || in % g != 0 || out % g != 0) {
      throw new IllegalArgumentException(
          "ConvTranspose2d: groups "
              + g
              + " must divide both "
              + in
              + " input and "
              + out
              + " output channels");
    }
    groups = g;
    clearParameters();
    initParameters();
    return this;
  }

  public ConvTranspose2d bias(boolean on) {
    withBias = on;
    clearParameters();
    initParameters();
    return this;
  }

  public Tensor weight() {
    return weight;
  }

  @Override
  public Tensor forward(Tensor x) {
    try {
      return Conv.convTranspose2d(
          x, weight, bias, stride, padding, outputPadding, dilation, groups);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected void onReplace(String name, Tensor value) {
    if (name.equals("weight")) weight = value;
    else bias = value;
  }

  @Override
  protected String describe() {
    return "ConvTranspose2d("
        + in
        + " -> "
        + out
        + ", kernel "
        + kh
        + "x"
        + kw
        + ", stride "
        + stride[0]
        + ")";
  }
}
