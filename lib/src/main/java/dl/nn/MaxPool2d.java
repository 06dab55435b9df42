package dl.nn;

import dl.nn.functional.Pool;
import dl.nn.functional.Window;
import dl.tensor.Tensor;

/**
 * Max pooling: keeps the largest value of each window, shrinking the image and making the layer
 * above tolerant to small shifts. Backward sends each gradient to the position that won.
 *
 * <pre>{@code
 * new MaxPool2d(2)                        // 2×2 windows, stride 2
 * new MaxPool2d(3).stride(2).padding(1)   // ResNet's stem: overlapping 3×3 windows
 * }</pre>
 *
 * <p>Shape: [N, C, H, W] → [N, C, OH, OW]; stride defaults to the kernel size.
 */
public final class MaxPool2d extends Module {
  private Window window;
  private boolean ceilMode;
  private Tensor lastIndices;

  public MaxPool2d(int kernel) {
    this(kernel, kernel);
  }

  public MaxPool2d(int kh, int kw) {
    window = Window.of("MaxPool2d", kh, kw).stride(kh, kw);
  }

  public MaxPool2d stride(int s) {
    window = window.stride(s);
    return this;
  }

  public MaxPool2d padding(int p) {
    window = window.padding(p);
    return this;
  }

  public MaxPool2d dilation(int d) {
    window = window.dilation(d);
    return this;
  }

  /**
   * Round the output size up instead of down, so a last, partial window at the bottom/right still
   * counts (PyTorch's ceil_mode): 7×7 pooled 2×2 gives 4×4 instead of 3×3.
   */
  public MaxPool2d ceilMode(boolean on) {
    ceilMode = on;
    return this;
  }

  /** Kernel size, stride, padding and dilation. */
  public Window window() {
    return window;
  }

  /** Kernel height and width (read-only copy; receptive fields use it). */
  public int[] kernelSize() {
    return window.kernelSize();
  }

  /** Stride along height and width (read-only copy). */
  public int[] stride() {
    return window.stride();
  }

  /** Padding before the first row and the first column, {@code [top, left]} (read-only copy). */
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
      Tensor[] r = Pool.maxPool2dWithIndices(x, window, ceilMode);
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
    int[] k = window.kernelSize();
    return "MaxPool2d(" + k[0] + "x" + k[1] + ", stride " + window.strideH() + ")";
  }
}
