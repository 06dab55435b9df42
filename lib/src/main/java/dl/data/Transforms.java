package dl.data;

import dl.Check;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.Arrays;

/**
 * Ready-made {@link Transform}s for batches: normalisation, flattening and simple augmentations
 * (shifts, crops, flips, brightness, contrast and colour jitter). Like {@code
 * torchvision.transforms}, but every transform works on a whole batch [N, ...].
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
      throw Check.badArgument("normalize", "%s means but %s stds", mean.length, std.length);
    for (double s : std)
      if (!(s > 0))
        throw Check.badArgument("normalize", "stds must be positive, got %s", Arrays.toString(std));
    float[] m = new float[mean.length], s = new float[std.length];
    for (int c = 0; c < m.length; c++) {
      m[c] = (float) mean[c];
      s[c] = (float) std[c];
    }
    return x -> {
      if (x.dim() < 2 || x.size(1) != m.length) {
        throw Check.badArgument(
            "normalize",
            "expected [N, %s, ...] for %s channels, got %s",
            m.length,
            m.length,
            x.shape());
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
        throw Check.badArgument("randomHorizontalFlip", "expected [N, ..., W], got %s", x.shape());
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

  /**
   * Pads each image with {@code padding} zeros on every side, then cuts out a size×size window at a
   * random place, drawn per sample (the same for all of its channels): the standard CIFAR-10
   * augmentation ({@code randomCrop(32, 4, rng)}). Padding 0 and size = H = W is the identity.
   *
   * <p>Shape: x [N, ..., H, W] → [N, ..., size, size], float32 and contiguous.
   */
  public static Transform randomCrop(int size, int padding, Rng rng) {
    if (size < 1)
      throw new IllegalArgumentException("randomCrop: size must be positive, got " + size);
    if (padding < 0)
      throw new IllegalArgumentException("randomCrop: padding must be >= 0, got " + padding);
    return x -> {
      images("randomCrop", x);
      int h = x.size(-2), w = x.size(-1), n = x.size(0);
      if (size > h + 2 * padding || size > w + 2 * padding)
        throw Check.badArgument(
            "randomCrop",
            "a %sx%s crop does not fit images %s padded by %s",
            size,
            size,
            x.shape(),
            padding);
      int[] rowShift = new int[n], colShift = new int[n];
      for (int i = 0; i < n; i++) {
        // out[r][c] = padded[r + oy][c + ox] = x[r + oy − padding][c + ox − padding]
        rowShift[i] = rng.nextInt(h + 2 * padding - size + 1) - padding;
        colShift[i] = rng.nextInt(w + 2 * padding - size + 1) - padding;
      }
      return shift(x, size, size, rowShift, colShift);
    };
  }

  /**
   * Shifts each image by a random whole number of pixels in [−maxShift, maxShift], drawn per sample
   * for x and y, filling the uncovered border with zeros (what falls off the edge is lost).
   *
   * <p>Shape: x [N, ..., H, W] → the same shape, float32 and contiguous.
   */
  public static Transform randomTranslate(int maxShift, Rng rng) {
    if (maxShift < 0)
      throw new IllegalArgumentException("randomTranslate: maxShift must be >= 0, got " + maxShift);
    return x -> {
      images("randomTranslate", x);
      int n = x.size(0);
      int[] rowShift = new int[n], colShift = new int[n];
      for (int i = 0; i < n; i++) {
        int dx = rng.nextInt(2 * maxShift + 1) - maxShift;
        int dy = rng.nextInt(2 * maxShift + 1) - maxShift;
        colShift[i] = -dx;
        rowShift[i] = -dy;
      }
      return shift(x, x.size(-2), x.size(-1), rowShift, colShift);
    };
  }

  /**
   * Shifts every image {@code dx} pixels right and {@code dy} pixels down (negative: left, up),
   * filling with zeros: out[y][x] = in[y − dy][x − dx].
   *
   * <p>Shape: x [N, ..., H, W] → the same shape, float32 and contiguous.
   */
  public static Transform translate(int dx, int dy) {
    return x -> {
      images("translate", x);
      int n = x.size(0);
      int[] rowShift = new int[n], colShift = new int[n];
      Arrays.fill(rowShift, -dy);
      Arrays.fill(colShift, -dx);
      return shift(x, x.size(-2), x.size(-1), rowShift, colShift);
    };
  }

  /**
   * Cuts the height×width window whose top-left pixel is (top, left) out of every image. The window
   * may reach past the edges (top or left negative, or beyond the last row/column): those pixels
   * are 0, as in the zero padding a convolution sees, so a unit's whole receptive field can be cut
   * out even at the border (torchvision's {@code crop} does the same).
   *
   * <p>Shape: x [N, ..., H, W] → [N, ..., height, width], float32 and contiguous.
   *
   * <pre>{@code
   * jshell> Transforms.crop(-2, -2, 5, 5).apply(digits).shape()   // two rows/columns of padding
   * $1 ==> [64,1,5,5]
   * }</pre>
   */
  public static Transform crop(int top, int left, int height, int width) {
    if (height < 1 || width < 1)
      throw Check.badArgument(
          "crop", "height and width must be positive, got %sx%s", height, width);
    return x -> {
      images("crop", x);
      int h = x.size(-2), w = x.size(-1);
      // NOTE: a window entirely outside the image would be all padding: almost surely a mistake.
      if (top >= h || left >= w || top + height <= 0 || left + width <= 0)
        throw Check.badArgument(
            "crop",
            "the %sx%s window at (top %s, left %s) does not overlap images %s",
            height,
            width,
            top,
            left,
            x.shape());
      int[] rowShift = new int[x.size(0)], colShift = new int[x.size(0)];
      Arrays.fill(rowShift, top);
      Arrays.fill(colShift, left);
      return shift(x, height, width, rowShift, colShift);
    };
  }

  /**
   * Adds {@code offset} to every value: a brighter (offset &gt; 0) or darker image. The mean of
   * every image moves by exactly {@code offset}; nothing is clamped, so pixels may leave [0, 1]
   * (see {@link #colorJitter} for a clamped, random version).
   *
   * <pre>{@code
   * jshell> Transforms.adjustBrightness(0.25).apply(Tensor.of(0, 0.5))
   * $1 ==> tensor([0.2500, 0.7500])
   * }</pre>
   */
  public static Transform adjustBrightness(double offset) {
    if (!Double.isFinite(offset))
      throw new IllegalArgumentException("adjustBrightness: offset must be finite, got " + offset);
    return x -> x.add(offset);
  }

  /**
   * Stretches (factor &gt; 1) or flattens (factor &lt; 1) each image around its own mean m, taken
   * over all of its channels and pixels: out = m + factor·(x − m). Each image keeps its mean and
   * its standard deviation is multiplied by {@code factor}; factor 0 gives a flat image at m.
   * Nothing is clamped.
   *
   * <p>Shape: x [N, ...] → the same shape, float32.
   */
  public static Transform adjustContrast(double factor) {
    if (!(factor >= 0 && Double.isFinite(factor)))
      throw Check.badArgument("adjustContrast", "factor must be finite and >= 0, got %s", factor);
    return x -> {
      if (x.dim() < 2)
        throw Check.badArgument(
            "adjustContrast", "expected a batch of images [N, ...], got %s", x.shape());
      int n = x.size(0);
      double[] factors = new double[n];
      Arrays.fill(factors, factor);
      return jitter(x, factors, new double[n], 1, new double[n], false); // no offset, no cast
    };
  }

  /**
   * Random colour augmentation, drawn afresh for every image (the lecture's "colour casting"; like
   * torchvision's {@code ColorJitter} for brightness and contrast): a contrast factor from [1 −
   * contrast, 1 + contrast] around the image's mean, a brightness offset from [−brightness,
   * brightness] added to all channels, and a cast from [−cast, cast] added to each channel on its
   * own (it tints a colour image). The result is clamped to [0, 1], so use it on pixels in [0, 1],
   * before {@link #normalize}.
   *
   * <p>Shape: x [N, C, H, W] or [N, H, W] (one channel) → the same shape, float32.
   */
  public static Transform colorJitter(double brightness, double contrast, double cast, Rng rng) {
    if (!(brightness >= 0 && contrast >= 0 && contrast <= 1 && cast >= 0))
      throw Check.badArgument(
          "colorJitter",
          "expected brightness >= 0, contrast in [0, 1] and cast >= 0, got %s, %s, %s",
          brightness,
          contrast,
          cast);
    return x -> {
      images("colorJitter", x);
      int n = x.size(0), channels = x.dim() == 3 ? 1 : x.size(1);
      double[] factors = new double[n], offsets = new double[n];
      double[] casts = new double[n * channels];
      for (int i = 0; i < n; i++) {
        factors[i] = rng.uniform(1 - contrast, 1 + contrast);
        offsets[i] = rng.uniform(-brightness, brightness);
        for (int c = 0; c < channels; c++) casts[i * channels + c] = rng.uniform(-cast, cast);
      }
      return jitter(x, factors, offsets, channels, casts, true);
    };
  }

  /**
   * out[i, c, …] = m_i + factors[i]·(x[i, c, …] − m_i) + offsets[i] + casts[i·channels + c], with
   * m_i the mean of image i over all its values, optionally clamped to [0, 1]: the one loop behind
   * brightness, contrast and colour jitter.
   */
  private static Tensor jitter(
      Tensor x, double[] factors, double[] offsets, int channels, double[] casts, boolean clamp) {
    int n = x.size(0);
    float[] v = x.toFloatArray();
    int per = n == 0 ? 0 : v.length / n, perChannel = per / channels;
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int j = i * per; j < (i + 1) * per; j++) sum += v[j];
      double mean = per == 0 ? 0 : sum / per;
      for (int c = 0; c < channels; c++) {
        double shift = offsets[i] + casts[i * channels + c];
        int from = i * per + c * perChannel;
        for (int j = from; j < from + perChannel; j++) {
          double out = mean + factors[i] * (v[j] - mean) + shift;
          v[j] = (float) (clamp ? Math.min(1, Math.max(0, out)) : out);
        }
      }
    }
    return Tensor.fromArray(v, x.shape().toArray());
  }

  private static void images(String op, Tensor x) {
    if (x.dim() < 3)
      throw new IllegalArgumentException(op + ": expected images [N, ..., H, W], got " + x.shape());
  }

  /**
   * out[i, ..., r, c] = x[i, ..., r + rowShift[i], c + colShift[i]], or 0 where that lies outside
   * x: the one loop behind crops and translations. Shape: x [N, ..., H, W] → [N, ..., outH, outW].
   */
  private static Tensor shift(Tensor x, int outH, int outW, int[] rowShift, int[] colShift) {
    int n = x.size(0), h = x.size(-2), w = x.size(-1);
    int[] shape = x.shape().toArray();
    shape[shape.length - 2] = outH;
    shape[shape.length - 1] = outW;
    int planes = 1;
    for (int a = 1; a < shape.length - 2; a++) planes *= shape[a];
    int perIn = planes * h * w;
    float[] in = x.toFloatArray();
    float[] out = new float[n * planes * outH * outW];
    for (int i = 0; i < n; i++) {
      int dr = rowShift[i], dc = colShift[i];
      // NOTE: the columns that land inside the source are one run per row, copied with arraycopy;
      // everything else stays 0 from the allocation.
      int c0 = Math.max(0, -dc), c1 = Math.min(outW, w - dc);
      int r0 = Math.max(0, -dr), r1 = Math.min(outH, h - dr);
      if (c0 >= c1 || r0 >= r1) continue;
      for (int p = 0; p < planes; p++) {
        int src = i * perIn + p * h * w, dst = (i * planes + p) * outH * outW;
        for (int r = r0; r < r1; r++)
          System.arraycopy(in, src + (r + dr) * w + c0 + dc, out, dst + r * outW + c0, c1 - c0);
      }
    }
    return Tensor.fromArray(out, shape);
  }

  /** Turns class indices [N] into one-hot rows [N, classes] (a target transform). */
  public static Transform oneHot(int classes) {
    return y -> {
      int[] labels = y.toIntArray();
      float[] r = new float[labels.length * classes];
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= classes)
          throw Check.badArgument(
              "oneHot", "label %s at %s is not in [0, %s)", labels[i], i, classes);
        r[i * classes + labels[i]] = 1;
      }
      return Tensor.fromArray(r, labels.length, classes);
    };
  }
}
