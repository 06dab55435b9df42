package dl.nn;

import dl.nn.functional.Conv;
import dl.tensor.Tensor;

/**
 * Max pooling: keeps the largest value of each window, shrinking the image and making the layer
 * above tolerant to small shifts. Backward sends each gradient to the position that won.
 *
 * <p>Shape: [N, C, H, W] → [N, C, OH, OW]; stride defaults to the kernel size.
 */
public final class MaxPool2d extends Module {
  private final int[] kernel;
  private int[] stride, padding = {0, 0, 0, 0}, dilation = {1, 1};
  private boolean ceilMode;
  private Tensor lastIndices;

  public MaxPool2d(int kernel) {
    this(kernel, kernel);
  }

  public MaxPool2d(int kh, int kw) {
    if (kh <= 0 || kw <= 0)
      throw new IllegalArgumentException(
          "MaxPool2d: kernel size must be positive, got " + kh + "x" + kw);
    kernel = new int[] {kh, kw};
    stride = kernel.clone();
  }

  public MaxPool2d stride(int s) {
    stride = new int[] {s, s};
    return this;
  }

  public MaxPool2d padding(int p) {
    padding = Conv.pad(p, p);
    return this;
  }

  public MaxPool2d dilation(int d) {
    dilation = new int[] {d, d};
    return this;
  }

  /** Kernel height and width (read-only copy; receptive fields use it). */
  public int[] kernelSize() {
    return kernel.clone();
  }

  /** Stride along height and width (read-only copy). */
  public int[] stride() {
    return stride.clone();
  }

  /** Padding before the first row and the first column, {@code [top, left]} (read-only copy). */
  public int[] padding() {
    return new int[] {padding[0], padding[2]};
  }

  /** Dilation along height and width (read-only copy). */
  public int[] dilation() {
    return dilation.clone();
  }

  /**
   * Round the output size up instead of down, so a last, partial window at the bottom/right still
   * counts (PyTorch's ceil_mode): 7×7 pooled 2×2 gives 4×4 instead of 3×3.
   */
  public MaxPool2d ceilMode(boolean on) {
    ceilMode = on;
    return this;
  }

  /**
   * Padding with, in ceil mode, the extra rows/columns at the bottom/right that the partial windows
   * need.
   */
  private int[] paddingFor(Tensor x) {
    if (!ceilMode || x.dim() != 4) return padding;
    int[] p = padding.clone();
    for (int axis = 0; axis < 2; axis++) {
      int in = x.size(2 + axis), before = padding[2 * axis], after = padding[2 * axis + 1];
      int span = dilation[axis] * (kernel[axis] - 1) + 1;
      int out = -Math.floorDiv(-(in + before + after - span), stride[axis]) + 1;
      if ((out - 1) * stride[axis] >= in + before)
        out--; // PyTorch: the last window must start inside
      p[2 * axis + 1] = Math.max(after, (out - 1) * stride[axis] + span - in - before);
    }
    return p;
  }

  @Override
  public Tensor forward(Tensor x) {
    try {
      Tensor[] r = Conv.maxPool2dWithIndices(x, kernel, stride, paddingFor(x), dilation);
      lastIndices = r[1];
      return r[0];
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
  }

  /** Where the maxima of the last forward pass were, for {@link MaxUnpool2d}. */
  public Tensor indices() {
    if (lastIndices == null)
      throw new IllegalStateException("MaxPool2d.indices: run forward first");
    return lastIndices;
  }

  @Override
  protected String describe() {
    return "MaxPool2d(" + kernel[0] + "x" + kernel[1] + ", stride " + stride[0] + ")";
  }
}
