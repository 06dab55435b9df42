package dl.nn;

import dl.nn.functional.Pool;
import dl.nn.functional.Window;
import dl.tensor.Tensor;

/**
 * Undoes max pooling as far as possible: each value goes back to where its maximum came from and
 * every other position is zero. Used to visualise what a pooled feature responded to.
 *
 * <pre>{@code
 * var pool = new MaxPool2d(2);
 * Tensor pooled = pool.forward(x);
 * Tensor back = new MaxUnpool2d(2).forward(pooled, pool.indices());
 * }</pre>
 */
public final class MaxUnpool2d {
  /** The window of the pooling being undone. */
  private final Window window;

  public MaxUnpool2d(int kernel) {
    this(kernel, kernel, 0);
  }

  public MaxUnpool2d(int kernel, int stride, int padding) {
    window = Window.of("MaxUnpool2d", kernel, kernel).stride(stride).padding(padding);
  }

  /** Output size (OH − 1)·s − 2p + k, the inverse of pooling's size formula. */
  public Tensor forward(Tensor pooled, Tensor indices) {
    int s = window.strideH(), p = window.padTop(), k = window.kernelH();
    int oh = (pooled.size(2) - 1) * s - 2 * p + k, ow = (pooled.size(3) - 1) * s - 2 * p + k;
    return Pool.maxUnpool2d(pooled, indices, oh, ow);
  }

  /** With an explicit output size (pooling rounds down, so several sizes map to one). */
  public Tensor forward(Tensor pooled, Tensor indices, int outH, int outW) {
    return Pool.maxUnpool2d(pooled, indices, outH, outW);
  }
}
