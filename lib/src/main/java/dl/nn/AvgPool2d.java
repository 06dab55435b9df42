package dl.nn;

import dl.nn.functional.Conv;
import dl.tensor.Tensor;

/**
 * Average pooling: the mean of each window (padding counts as zeros). Stride defaults to the
 * kernel.
 */
public final class AvgPool2d extends Module {
  private final int[] kernel;
  private int[] stride, padding = {0, 0, 0, 0};

  public AvgPool2d(int kernel) {
    if (kernel <= 0)
      throw new IllegalArgumentException("AvgPool2d: kernel size must be positive, got " + kernel);
    this.kernel = new int[] {kernel, kernel};
    this.stride = this.kernel.clone();
  }

  public AvgPool2d stride(int s) {
    stride = new int[] {s, s};
    return this;
  }

  public AvgPool2d padding(int p) {
    padding = Conv.pad(p, p);
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

  @Override
  public Tensor forward(Tensor x) {
    try {
      return Conv.avgPool2d(x, kernel, stride, padding);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected String describe() {
    return "AvgPool2d(" + kernel[0] + "x" + kernel[1] + ", stride " + stride[0] + ")";
  }
}
