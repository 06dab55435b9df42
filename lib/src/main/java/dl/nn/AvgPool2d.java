package dl.nn;

import dl.nn.functional.Pool;
import dl.nn.functional.Window;
import dl.tensor.Tensor;

/**
 * Average pooling: the mean of each window (padding counts as zeros). Stride defaults to the
 * kernel.
 */
public final class AvgPool2d extends Module {
  private Window window;

  public AvgPool2d(int kernel) {
    window = Window.of("AvgPool2d", kernel, kernel).stride(kernel);
  }

  public AvgPool2d stride(int s) {
    window = window.stride(s);
    return this;
  }

  public AvgPool2d padding(int p) {
    window = window.padding(p);
    return this;
  }

  /** Kernel size, stride and padding (no dilation). */
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

  @Override
  public Tensor forward(Tensor x) {
    try {
      return Pool.avgPool2d(x, window);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected String describe() {
    int[] k = window.kernelSize();
    return "AvgPool2d(" + k[0] + "x" + k[1] + ", stride " + window.strideH() + ")";
  }
}
