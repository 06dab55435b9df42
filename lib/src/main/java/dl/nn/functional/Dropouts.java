package dl.nn.functional;

import dl.tensor.Rng;
import dl.tensor.Tensor;

/**
 * Dropout, the regulariser that zeroes random activations in training: element by element, or whole
 * channels of images. The masks come from a seeded {@link Rng}, so runs repeat.
 */
public final class Dropouts {
  private Dropouts() {}

  /**
   * Inverted dropout: in training, zero each element with probability p and scale the survivors by
   * 1/(1 − p), so nothing changes at evaluation time; in evaluation, the identity.
   */
  public static Tensor dropout(Tensor x, double p, boolean training, Rng rng) {
    return dropoutMask(x, p, training, rng, x.shape().toArray());
  }

  /** Dropout of whole channels: one coin per (sample, channel) of [N, C, H, W]. */
  public static Tensor dropout2d(Tensor x, double p, boolean training, Rng rng) {
    if (x.dim() != 4)
      throw new IllegalArgumentException(
          "dropout2d: expected input [N, C, H, W], got " + x.shape());
    return dropoutMask(x, p, training, rng, new int[] {x.size(0), x.size(1), 1, 1});
  }

  private static Tensor dropoutMask(
      Tensor x, double p, boolean training, Rng rng, int[] maskShape) {
    if (p < 0 || p >= 1)
      throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
    if (!training || p == 0) return x;
    // NOTE: drawn on the host from the seeded generator, so every backend drops the same elements.
    Tensor keep = Tensor.rand(rng, maskShape).to(x.device()).ge(p).to(x.dtype());
    return x.mul(keep).mul(1 / (1 - p));
  }
}
