package dl.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FiltersTest {
  /** A [1, 1, h, w] image with value(row, col). */
  interface Pixel {
    double at(int r, int c);
  }

  static Tensor image(int h, int w, Pixel f) {
    float[] v = new float[h * w];
    for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) v[r * w + c] = (float) f.at(r, c);
    return Tensor.fromArray(v, 1, 1, h, w);
  }

  /** "Same" cross-correlation with zero padding, written as the lecture's four loops. */
  static double[] naiveSame(double[] x, int[] shape, double[] k, int kh, int kw) {
    int planes = shape[0] * shape[1], h = shape[2], w = shape[3];
    int top = (kh - 1) / 2, left = (kw - 1) / 2;
    double[] y = new double[x.length];
    for (int p = 0; p < planes; p++)
      for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
          double s = 0;
          for (int a = 0; a < kh; a++)
            for (int b = 0; b < kw; b++) {
              int r = i + a - top, c = j + b - left;
              if (r >= 0 && r < h && c >= 0 && c < w) s += k[a * kw + b] * x[p * h * w + r * w + c];
            }
          y[p * h * w + i * w + j] = s;
        }
    return y;
  }

  @Test
  void boxFilterOfAConstantImageIsTheConstantAwayFromTheEdges() {
    Tensor y = Filters.apply(image(10, 10, (r, c) -> 3), Filters.mean(3));
    assertArrayEquals(new int[] {1, 1, 10, 10}, y.shape().toArray());
    for (int r = 1; r < 9; r++)
      for (int c = 1; c < 9; c++) assertEquals(3, y.get(0, 0, r, c), 1e-5, "at " + r + "," + c);
    // zero padding: a corner window sees 4 of its 9 pixels
    assertEquals(3 * 4 / 9.0, y.get(0, 0, 0, 0), 1e-5);
    float[] k = Filters.mean(4).toFloatArray();
    for (float v : k) assertEquals(1 / 16.0, v, 1e-7);
  }

  @Test
  void gaussianSumsToOneIsSymmetricAndPeaksInTheCentre() {
    int n = 5;
    double sigma = 1.3;
    Tensor g = Filters.gaussian(n, sigma);
    assertArrayEquals(new int[] {n, n}, g.shape().toArray());
    assertEquals(1, g.sum().item(), 1e-6);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double v = g.get(i, j);
        assertEquals(v, g.get(j, i), 1e-7, "transpose");
        assertEquals(v, g.get(n - 1 - i, j), 1e-7, "upside down");
        assertEquals(v, g.get(i, n - 1 - j), 1e-7, "mirrored");
        assertTrue(v <= g.get(2, 2));
        // ratio to the centre is exp(−d²/2σ²)
        double d2 = (i - 2) * (i - 2) + (j - 2) * (j - 2);
        assertEquals(Math.exp(-d2 / (2 * sigma * sigma)), v / g.get(2, 2), 1e-5);
      }
    assertEquals(1, Filters.gaussian1d(4, 0.8).sum().item(), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> Filters.gaussian(3, 0));
    assertThrows(IllegalArgumentException.class, () -> Filters.mean(0));
  }

  @Test
  void sobelOnAVerticalStepEdgeRespondsOnlyInX() {
    // dark (0) on the left, bright (1) from column 4 on: a vertical edge between columns 3 and 4
    Tensor step = image(8, 8, (r, c) -> c >= 4 ? 1 : 0);
    Tensor gx = Filters.apply(step, Filters.sobelX()), gy = Filters.apply(step, Filters.sobelY());
    Tensor mag = Filters.sobelMagnitude(step);
    // away from the zero-padded border, which is an edge of its own
    for (int r = 1; r < 7; r++) {
      for (int c = 1; c < 7; c++) {
        double expected = c == 3 || c == 4 ? 4 : 0; // dark → bright to the right: positive
        assertEquals(expected, gx.get(0, 0, r, c), 1e-6, "gx at " + r + "," + c);
        assertEquals(0, gy.get(0, 0, r, c), 1e-6, "gy at " + r + "," + c);
        assertEquals(expected, mag.get(0, 0, r, c), 1e-6, "|g| at " + r + "," + c);
      }
    }
    // bright → dark gives the opposite sign
    Tensor flipped = Filters.apply(step.neg().add(1), Filters.sobelX());
    assertEquals(-4, flipped.get(0, 0, 4, 3), 1e-6);
  }

  @Test
  void sobelOnAHorizontalStepEdgeRespondsOnlyInY() {
    Tensor step = image(8, 8, (r, c) -> r >= 4 ? 1 : 0); // brighter downwards
    Tensor gx = Filters.apply(step, Filters.sobelX()), gy = Filters.apply(step, Filters.sobelY());
    for (int r = 1; r < 7; r++) {
      for (int c = 1; c < 7; c++) {
        assertEquals(r == 3 || r == 4 ? 4 : 0, gy.get(0, 0, r, c), 1e-6, "gy at " + r + "," + c);
        assertEquals(0, gx.get(0, 0, r, c), 1e-6, "gx at " + r + "," + c);
      }
    }
    assertArrayEquals(Filters.sobelY().toFloatArray(), Filters.sobelX().t().toFloatArray());
  }

  @Test
  void medianRemovesSaltAndPepperThatTheMeanSmears() {
    int[][] salt = {{3, 3}, {3, 9}, {9, 5}, {12, 12}}, pepper = {{6, 6}, {12, 2}, {1, 13}};
    Tensor noisy =
        image(
            16,
            16,
            (r, c) -> {
              for (int[] s : salt) if (s[0] == r && s[1] == c) return 1;
              for (int[] p : pepper) if (p[0] == r && p[1] == c) return 0;
              return 0.5;
            });
    Tensor med = Filters.median(noisy, 3);
    assertNull(med.gradFn());
    float[] m = med.toFloatArray();
    for (float v : m) assertEquals(0.5f, v, "the median restores every pixel exactly");
    Tensor avg = Filters.apply(noisy, Filters.mean(3));
    // the mean spreads each impulse over its 3×3 neighbourhood instead of removing it
    assertEquals(0.5 + 0.5 / 9, avg.get(0, 0, 3, 3), 1e-6);
    assertEquals(0.5 + 0.5 / 9, avg.get(0, 0, 4, 4), 1e-6);
    assertEquals(0.5 - 0.5 / 9, avg.get(0, 0, 5, 7), 1e-6);
  }

  @Test
  void medianKeepsStepEdgesSharpAndHandlesTheBorderByReflection() {
    Tensor step = image(6, 6, (r, c) -> c >= 3 ? 1 : 0);
    assertArrayEquals(step.toFloatArray(), Filters.median(step, 3).toFloatArray());
    // a bright corner pixel goes too; with zero padding the corner's median would be 0, not 2
    Tensor corner = image(5, 5, (r, c) -> r == 0 && c == 0 ? 9 : 2);
    assertArrayEquals(
        image(5, 5, (r, c) -> 2).toFloatArray(), Filters.median(corner, 3).toFloatArray());
    // a window wider than the image keeps reflecting
    assertArrayEquals(
        new float[] {2, 2, 2, 2},
        Filters.median(Tensor.full(DType.FLOAT32, 2, 2, 2), 5).toFloatArray());
    assertThrows(IllegalArgumentException.class, () -> Filters.median(step, 2));
  }

  /** Reflection about the edge pixel: -1 → 1, n → n − 2 (valid while the radius < n). */
  static int reflect(int k, int n) {
    if (k < 0) k = -k;
    if (k >= n) k = 2 * (n - 1) - k;
    return k;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void medianMatchesNaiveLoops(long seed) {
    Rng rng = new Rng(seed);
    int n = 2, ch = 2, h = 6, w = 7, size = seed == 3 ? 5 : 3, rad = size / 2;
    Tensor x = Tensor.rand(rng, n, ch, h, w).float64();
    double[] v = x.toDoubleArray(), got = Filters.median(x, size).toDoubleArray();
    assertEquals(DType.FLOAT64, Filters.median(x, size).dtype());
    double[] win = new double[size * size];
    for (int p = 0; p < n * ch; p++)
      for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
          int k = 0;
          for (int a = -rad; a <= rad; a++)
            for (int b = -rad; b <= rad; b++)
              win[k++] = v[p * h * w + reflect(i + a, h) * w + reflect(j + b, w)];
          Arrays.sort(win);
          assertEquals(
              win[win.length / 2],
              got[p * h * w + i * w + j],
              0,
              "seed " + seed + " plane " + p + " at " + i + "," + j);
        }
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14})
  void applyMatchesNaiveLoops(long seed) {
    Rng rng = new Rng(seed);
    int kh = 2 + (int) (seed % 3), kw = 5 - (int) (seed % 2); // odd and even sizes
    int[] shape = {2, 3, 7, 6};
    Tensor x = Tensor.randn(rng, shape).float64(), k = Tensor.randn(rng, kh, kw).float64();
    double[] expected = naiveSame(x.toDoubleArray(), shape, k.toDoubleArray(), kh, kw);
    Tensor y = Filters.apply(x, k);
    assertArrayEquals(shape, y.shape().toArray());
    assertArrayEquals(
        expected, y.toDoubleArray(), 1e-10, "seed " + seed + " kernel " + kh + "x" + kw);
    // float32 images with a float32 kernel, and one [H, W] image
    Tensor one = x.select(0, 1).select(0, 2).float32();
    int plane = 1 * 3 + 2, hw = 7 * 6; // sample 1, channel 2
    double[] expectedPlane = Arrays.copyOfRange(expected, plane * hw, (plane + 1) * hw);
    Tensor y2 = Filters.apply(one, k.float32());
    assertArrayEquals(new int[] {7, 6}, y2.shape().toArray());
    assertArrayEquals(expectedPlane, y2.toDoubleArray(), 1e-4);
  }

  @Test
  void applyIsDifferentiableInTheImage() {
    Tensor x = Tensor.randn(new Rng(5), 1, 2, 4, 4).requiresGrad(true);
    Filters.apply(x, Filters.mean(3)).sum().backward();
    // each pixel's gradient counts the windows that contain it, each weighting it by 1/9
    assertEquals(9 / 9.0, x.grad().get(0, 1, 1, 1), 1e-6);
    assertEquals(4 / 9.0, x.grad().get(0, 0, 0, 0), 1e-6);
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22})
  void separableEqualsTheFull2dFilter(long seed) {
    Tensor x = Tensor.rand(new Rng(seed), 2, 3, 9, 11);
    Tensor g = Filters.gaussian1d(5, 1.2);
    assertTrue(
        Filters.separable(x, g, g).allClose(Filters.apply(x, Filters.gaussian(5, 1.2)), 0, 1e-5));
    Tensor col = Filters.mean1d(3), row = Filters.mean1d(4);
    assertTrue(
        Filters.separable(x, col, row)
            .allClose(Filters.apply(x, Filters.outer(col, row)), 0, 1e-5));
    Tensor smooth = Tensor.of(1, 2, 1), diff = Tensor.of(-1, 0, 1);
    assertArrayEquals(Filters.sobelX().toFloatArray(), Filters.outer(smooth, diff).toFloatArray());
    assertTrue(
        Filters.separable(x, smooth, diff).allClose(Filters.apply(x, Filters.sobelX()), 0, 1e-5));
    assertArrayEquals(
        Filters.mean(3).toFloatArray(), Filters.outer(col, col).toFloatArray(), 1e-7f);
  }

  @Test
  void rejectsShapesItCannotFilter() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Filters.apply(Tensor.zeros(3, 8, 8), Filters.mean(3)));
    assertThrows(
        IllegalArgumentException.class, () -> Filters.apply(Tensor.zeros(8, 8), Tensor.ones(9)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Filters.separable(Tensor.zeros(8, 8), Filters.mean(3), Tensor.ones(3)));
  }
}
