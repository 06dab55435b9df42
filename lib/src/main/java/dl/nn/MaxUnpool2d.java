package dl.nn;

import dl.nn.functional.Conv;
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
  private final int kernel, stride, padding;

  public MaxUnpool2d(int kernel) {
    this(kernel, kernel, 0);
  }

  public MaxUnpool2d(int kernel, int stride, int padding) {
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
  }

  /** Output size (OH − 1)·s − 2p + k, the inverse of pooling's size formula. */
  public Tensor forward(Tensor pooled, Tensor indices) {
    int oh = (pooled.size(2) - 1) * stride - 2 * padding + kernel,
        ow = (pooled.size(3) - 1) * stride - 2 * padding + kernel;
    return Conv.maxUnpool2d(pooled, indices, oh, ow);
  }

  /** With an explicit output size (pooling rounds down, so several sizes map to one). */
  public Tensor forward(Tensor pooled, Tensor indices, int outH, int outW) {
    return Conv.maxUnpool2d(pooled, indices, outH, outW);
  }
}
