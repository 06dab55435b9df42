package dl.data;

import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.Arrays;

/**
 * Ready-made {@link Transform}s for batches: normalisation, flattening and simple augmentations.
 * Like {@code torchvision.transforms}, but every transform works on a whole batch [N, ...].
 */
public final class Transforms {
  private Transforms() {}

  /** Mean pixel value of the MNIST training images (in [0, 1]). */
  public static final double MNIST_MEAN = 0.1307;

  /** Standard deviation of the MNIST training pixels (in [0, 1]). */
  public static final double MNIST_STD = 0.3081;

  /** Per-channel (R, G, B) means of the CIFAR-10 training images (in [0, 1]). */
  public static final double[] CIFAR10_MEAN = {0.4914, 0.4822, 0.4465};

  /** Per-channel (R, G, B) standard deviations of the CIFAR-10 training images (in [0, 1]). */
  public static final double[] CIFAR10_STD = {0.2470, 0.2435, 0.2616};

  /** Applies the transforms in order. */
  public static Transform compose(Transform... transforms) {
    Transform t = Transform.identity();
    for (Transform next : transforms) t = t.andThen(next);
    return t;
  }

  /** (x − mean) / std with one mean and std for every value. */
  public static Transform normalize(double mean, double std) {
    if (!(std > 0))
      throw new IllegalArgumentException("normalize: std must be positive, got " + std);
    return x -> x.sub(mean).div(std);
  }

  /**
   * (x − mean[c]) / std[c] per channel c along axis 1. Shape: x [N, C, ...] with C = mean.length.
   */
  public static Transform normalize(double[] mean, double[] std) {
    if (mean.length != std.length)
      throw new IllegalArgumentException(
          "normalize: " + mean.length + " means but " + std.length + " stds");
    for (double s : std)
      if (!(s > 0))
        throw new IllegalArgumentException(
            "normalize: stds must be positive, got " + Arrays.toString(std));
    float[] m = new float[mean.length], s = new float[std.length];
    for (int c = 0; c < m.length; c++) {
      m[c] = (float) mean[c];
      s[c] = (float) std[c];
    }
    return x -> {
      if (x.dim() < 2 || x.size(1) != m.length) {
        throw new IllegalArgumentException(
            "normalize: expected [N, "
                + m.length
                + ", ...] for "
                + m.length
                + " channels, got "
                + x.shape());
      }
      int[] shape = new int[x.dim()];
      Arrays.fill(shape, 1);
      shape[1] = m.length;
      return x.sub(Tensor.fromArray(m, shape)).div(Tensor.fromArray(s, shape));
    };
  }

  /**
   * Flattens each example: [N, d1, d2, …] to [N, d1·d2·…], e.g. images for a {@code Linear} layer.
   */
  public static Transform flatten() {
    return x -> x.dim() <= 2 ? x : x.flatten(1, -1);
  }

  /**
   * Mirrors each example left–right (along the last axis) with probability {@code p}: the classic
   * augmentation for CIFAR-10 (not for digits, where a mirrored 2 is no longer a 2).
   */
  public static Transform randomHorizontalFlip(double p, Rng rng) {
    if (!(p >= 0 && p <= 1))
      throw new IllegalArgumentException("randomHorizontalFlip: p must be in [0, 1], got " + p);
    return x -> {
      if (x.dim() < 2)
        throw new IllegalArgumentException(
            "randomHorizontalFlip: expected [N, ..., W], got " + x.shape());
      int n = x.size(0), w = x.size(-1);
      float[] v = x.toFloatArray();
      int per = n == 0 ? 0 : v.length / n;
      for (int i = 0; i < n; i++) {
        if (rng.uniform() >= p) continue;
        for (int row = i * per; row < (i + 1) * per; row += w) {
          for (int a = row, b = row + w - 1; a < b; a++, b--) {
            float t = v[a];
            v[a] = v[b];
            v[b] = t;
          }
        }
      }
      return Tensor.fromArray(v, x.shape().toArray());
    };
  }

  /** Turns class indices [N] into one-hot rows [N, classes] (a target transform). */
  public static Transform oneHot(int classes) {
    return y -> {
      int[] labels = y.toIntArray();
      float[] r = new float[labels.length * classes];
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= classes)
          throw new IllegalArgumentException(
              "oneHot: label " + labels[i] + " at " + i + " is not in [0, " + classes + ")");
        r[i * classes + labels[i]] = 1;
      }
      return Tensor.fromArray(r, labels.length, classes);
    };
  }
}
