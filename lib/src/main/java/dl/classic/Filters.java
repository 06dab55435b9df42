package dl.classic;

import dl.Check;
import dl.nn.functional.Conv;
import dl.tensor.Tensor;
import java.util.Arrays;

/**
 * Classic image filters written as convolutions with fixed, hand-made kernels: the box (mean) and
 * Gaussian blurs, the Sobel edge detectors, and the median filter for contrast (which is not a
 * convolution). A CNN's first layer learns kernels that look much like these. Introduced in
 * notebook 08 (convolutions).
 *
 * <p>Kernels are tensors [kh, kw]; {@link #apply(Tensor, Tensor)} runs one kernel over every
 * channel of every image with "same" zero padding, as a depthwise {@link Conv#conv2d} (groups = C).
 * Like every deep-learning library, conv2d computes a cross-correlation: the kernel is laid over
 * the image as written, not flipped. That only matters for kernels that are not symmetric, such as
 * Sobel.
 *
 * <pre>{@code
 * jshell> Filters.outer(Tensor.of(1, 2, 1), Tensor.of(-1, 0, 1))   // Sobel is separable
 * $1 ==> tensor([[-1.,  0.,  1.],
 *                [-2.,  0.,  2.],
 *                [-1.,  0.,  1.]])
 * jshell> Filters.apply(Tensor.rand(64, 1, 28, 28), Filters.sobelX()).shape()
 * $2 ==> [64,1,28,28]
 * }</pre>
 */
public final class Filters {
  private Filters() {}

  // ================================================================ kernels

  /** Box (mean) filter: every weight 1/size². Shape: [size, size]. */
  public static Tensor mean(int size) {
    Tensor k = mean1d(size);
    return outer(k, k);
  }

  /** 1-D box kernel: every weight 1/size. Shape: [size]. */
  public static Tensor mean1d(int size) {
    positive("mean", size);
    float[] k = new float[size];
    Arrays.fill(k, 1f / size);
    return Tensor.fromArray(k, size);
  }

  /**
   * Gaussian blur: weights ∝ exp(−(dy² + dx²) / 2σ²) around the centre, normalised to sum to 1. It
   * is the outer product of two {@link #gaussian1d 1-D Gaussians}. Shape: [size, size].
   */
  public static Tensor gaussian(int size, double sigma) {
    Tensor g = gaussian1d(size, sigma);
    return outer(g, g);
  }

  /**
   * 1-D Gaussian kernel exp(−d² / 2σ²) around the centre, normalised to sum to 1. Shape: [size].
   */
  public static Tensor gaussian1d(int size, double sigma) {
    positive("gaussian", size);
    if (!(sigma > 0))
      throw new IllegalArgumentException("gaussian: sigma must be positive, got " + sigma);
    double centre = (size - 1) / 2.0, total = 0;
    double[] g = new double[size];
    for (int i = 0; i < size; i++) {
      double d = i - centre;
      g[i] = Math.exp(-d * d / (2 * sigma * sigma));
      total += g[i];
    }
    float[] k = new float[size];
    for (int i = 0; i < size; i++) k[i] = (float) (g[i] / total);
    return Tensor.fromArray(k, size);
  }

  /**
   * Sobel derivative along x (columns, left → right): {@code [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]}.
   * Applied by {@link #apply} (cross-correlation) it is positive where the image gets brighter to
   * the right and negative where it gets darker, so it finds vertical edges; a unit step gives ±4.
   * It is [1, 2, 1]ᵀ (smoothing down the columns) ⊗ [−1, 0, 1] (difference along a row). Shape: [3,
   * 3].
   */
  public static Tensor sobelX() {
    return Tensor.of(new double[][] {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}});
  }

  /**
   * Sobel derivative along y (rows, top → bottom, as image rows are stored): {@code [[-1, -2, -1],
   * [0, 0, 0], [1, 2, 1]]}, the transpose of {@link #sobelX()}. Positive where the image gets
   * brighter downwards, so it finds horizontal edges; a unit step gives ±4. Shape: [3, 3].
   */
  public static Tensor sobelY() {
    return Tensor.of(new double[][] {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}});
  }

  /**
   * The outer product column ⊗ row: the 2-D kernel that a column pass with {@code column} then a
   * row pass with {@code row} computes (see {@link #separable}). Shape: [kh], [kw] → [kh, kw].
   */
  public static Tensor outer(Tensor column, Tensor row) {
    if (column.dim() != 1 || row.dim() != 1)
      throw Check.badArgument(
          "outer",
          "expected 1-D kernels [kh] and [kw], got %s and %s",
          column.shape(),
          row.shape());
    return column.reshape(column.numel(), 1).mul(row.reshape(1, row.numel()));
  }

  // ================================================================ applying kernels

  /**
   * Filters every channel of every image with one kernel: a depthwise conv2d (groups = C) with
   * "same" zero padding, so the output has the input's shape. For an even kernel size the extra
   * padding row (column) goes at the bottom (right), as in PyTorch's {@code padding="same"}.
   *
   * <p>Shape: images [N, C, H, W] or [H, W], kernel [kh, kw] → the shape of images.
   */
  public static Tensor apply(Tensor images, Tensor kernel) {
    if (kernel.dim() != 2)
      throw Check.badArgument("apply", "expected a kernel [kh, kw], got %s", kernel.shape());
    Tensor x = asBatch("apply", images);
    int c = x.size(1), kh = kernel.size(0), kw = kernel.size(1);
    Tensor weight = kernel.to(x.dtype()).reshape(1, 1, kh, kw).expand(c, 1, kh, kw).contiguous();
    int top = (kh - 1) / 2, left = (kw - 1) / 2;
    Tensor y =
        Conv.conv2d(
            x,
            weight,
            null,
            new int[] {1, 1},
            new int[] {top, kh - 1 - top, left, kw - 1 - left},
            new int[] {1, 1},
            c);
    return y.reshape(images.shape().toArray());
  }

  /**
   * A spatially separable filter: a column pass (kernel [kh, 1]) then a row pass (kernel [1, kw]),
   * equal to {@link #apply} with {@link #outer outer(column, row)} but kh + kw multiplications per
   * pixel instead of kh·kw. Gaussian and box kernels separate this way, and so does Sobel.
   *
   * <p>Shape: images [N, C, H, W] or [H, W], column [kh], row [kw] → the shape of images.
   */
  public static Tensor separable(Tensor images, Tensor column, Tensor row) {
    if (column.dim() != 1 || row.dim() != 1)
      throw Check.badArgument(
          "separable",
          "expected 1-D kernels [kh] and [kw], got %s and %s",
          column.shape(),
          row.shape());
    Tensor down = apply(images, column.reshape(column.numel(), 1));
    return apply(down, row.reshape(1, row.numel()));
  }

  /**
   * Gradient magnitude √(gx² + gy²) of the two {@link #sobelX Sobel} responses: large on edges of
   * any direction, 4 on a unit step.
   *
   * <p>Shape: images [N, C, H, W] or [H, W] → the shape of images.
   */
  public static Tensor sobelMagnitude(Tensor images) {
    Tensor gx = apply(images, sobelX()), gy = apply(images, sobelY());
    return gx.square().add(gy.square()).sqrt();
  }

  /**
   * Median filter: each pixel becomes the median of its size×size window. It is not a convolution
   * (a median is not a weighted sum), so no kernel can express it; it removes isolated
   * salt-and-pepper pixels that a mean filter would only smear, and keeps step edges sharp. The
   * border is padded by reflection about the edge pixel (d c b | a b c d … , PyTorch's and NumPy's
   * {@code "reflect"}), since zero padding would pull the borders' medians to black. Computed in
   * plain Java, so the result is not differentiable.
   *
   * <p>Shape: images [N, C, H, W] or [H, W], size odd → the shape and type of images.
   */
  public static Tensor median(Tensor images, int size) {
    positive("median", size);
    if (size % 2 == 0)
      throw Check.badArgument(
          "median", "size must be odd, so the window has a centre pixel, got %s", size);
    Tensor x = asBatch("median", images);
    int planes = x.size(0) * x.size(1), h = x.size(2), w = x.size(3), r = size / 2;
    double[] v = x.toDoubleArray(), out = new double[v.length], window = new double[size * size];
    // NOTE: the reflected row and column of each window offset are the same for every plane, so
    // they are computed once instead of per pixel.
    int[][] rowAt = reflectTable(h, r), colAt = reflectTable(w, r);
    for (int p = 0; p < planes; p++) {
      int base = p * h * w;
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          int n = 0;
          for (int a = 0; a < size; a++) {
            int rowStart = base + rowAt[i][a] * w;
            for (int b = 0; b < size; b++) window[n++] = v[rowStart + colAt[j][b]];
          }
          out[base + i * w + j] = middle(window);
        }
      }
    }
    return Tensor.fromArray(out, images.shape().toArray()).to(images.dtype());
  }

  /** The median of an odd number of values (reorders them). */
  private static double middle(double[] v) {
    // NOTE: insertion sort, because windows are small (9 or 25 values) and Arrays.sort's general
    // machinery costs more than the sorting itself at that size.
    for (int i = 1; i < v.length; i++) {
      double t = v[i];
      int j = i - 1;
      for (; j >= 0 && v[j] > t; j--) v[j + 1] = v[j];
      v[j + 1] = t;
    }
    return v[v.length / 2];
  }

  /** table[i][a] = the reflected index of i + a − r in [0, n). */
  private static int[][] reflectTable(int n, int r) {
    int[][] table = new int[n][2 * r + 1];
    int period = 2 * (n - 1);
    for (int i = 0; i < n; i++) {
      for (int a = 0; a <= 2 * r; a++) {
        int k = i + a - r;
        if (period == 0) k = 0;
        else {
          // NOTE: folding modulo 2(n − 1) keeps reflecting for windows wider than the image.
          k = Math.floorMod(k, period);
          if (k >= n) k = period - k;
        }
        table[i][a] = k;
      }
    }
    return table;
  }

  private static Tensor asBatch(String op, Tensor images) {
    if (images.dim() == 2) return images.reshape(1, 1, images.size(0), images.size(1));
    if (images.dim() == 4) return images;
    throw Check.badArgument(
        op, "expected images [N, C, H, W] or one image [H, W], got %s", images.shape());
  }

  private static void positive(String op, int size) {
    if (size < 1)
      throw new IllegalArgumentException(op + ": kernel size must be positive, got " + size);
  }
}
