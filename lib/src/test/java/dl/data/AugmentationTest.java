package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AugmentationTest {
  /** n copies of one [c, h, w] image whose pixels are 1, 2, 3, … (distinct and non-zero). */
  static Tensor numbered(int n, int c, int h, int w) {
    float[] one = new float[c * h * w];
    for (int i = 0; i < one.length; i++) one[i] = i + 1;
    float[] v = new float[n * one.length];
    for (int i = 0; i < n; i++) System.arraycopy(one, 0, v, i * one.length, one.length);
    return Tensor.fromArray(v, n, c, h, w);
  }

  /**
   * Checks that out[i] is in[i] read at (r + dr, c + dc) — zero outside — for one (dr, dc) that is
   * recovered from the pixel at (r0, c0) of channel 0, and returns {dr, dc}.
   */
  static int[] assertShiftedCopy(
      float[] in, float[] out, int i, int ch, int h, int w, int oh, int ow, int r0, int c0) {
    float v = out[(i * ch) * oh * ow + r0 * ow + c0];
    assertTrue(
        v > 0, "sample " + i + ": pixel (" + r0 + ", " + c0 + ") should come from the image");
    int src = (int) v - 1; // index in channel 0 of the numbered image
    int dr = src / w - r0, dc = src % w - c0;
    for (int p = 0; p < ch; p++)
      for (int r = 0; r < oh; r++)
        for (int c = 0; c < ow; c++) {
          int sr = r + dr, sc = c + dc;
          float expected =
              sr >= 0 && sr < h && sc >= 0 && sc < w ? in[((i * ch + p) * h + sr) * w + sc] : 0;
          assertEquals(
              expected,
              out[((i * ch + p) * oh + r) * ow + c],
              "sample "
                  + i
                  + " channel "
                  + p
                  + " at ("
                  + r
                  + ", "
                  + c
                  + ") with shift "
                  + dr
                  + ","
                  + dc);
        }
    return new int[] {dr, dc};
  }

  @Test
  void shapesAndType() {
    Rng rng = new Rng(0);
    Tensor x = Tensor.rand(rng, 5, 3, 28, 28).float64();
    Tensor crop = Transforms.randomCrop(24, 0, rng).apply(x);
    assertArrayEquals(new int[] {5, 3, 24, 24}, crop.shape().toArray());
    assertEquals(DType.FLOAT32, crop.dtype());
    assertTrue(crop.isContiguous());
    assertArrayEquals(
        new int[] {5, 3, 32, 32},
        Transforms.randomCrop(32, 4, rng).apply(Tensor.zeros(5, 3, 32, 32)).shape().toArray());
    Tensor moved = Transforms.randomTranslate(3, rng).apply(x);
    assertArrayEquals(x.shape().toArray(), moved.shape().toArray());
    assertEquals(DType.FLOAT32, moved.dtype());
    // [N, H, W] batches without a channel axis work too
    assertArrayEquals(
        new int[] {4, 20, 20},
        Transforms.randomCrop(20, 2, rng).apply(Tensor.zeros(4, 28, 28)).shape().toArray());
    assertArrayEquals(
        new int[] {0, 1, 8, 8},
        Transforms.randomTranslate(1, rng).apply(Tensor.zeros(0, 1, 8, 8)).shape().toArray());
  }

  @Test
  void randomCropWithoutPaddingToTheFullSizeIsTheIdentity() {
    Tensor x = Tensor.rand(new Rng(3), 6, 3, 28, 28);
    assertArrayEquals(
        x.toFloatArray(), Transforms.randomCrop(28, 0, new Rng(4)).apply(x).toFloatArray());
    assertArrayEquals(
        x.toFloatArray(), Transforms.randomTranslate(0, new Rng(4)).apply(x).toFloatArray());
  }

  @Test
  void translateMovesPixelsRightAndDown() {
    Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    assertArrayEquals(
        new float[] {0, 0, 0, 0, 1, 2, 0, 4, 5},
        Transforms.translate(1, 1).apply(x).toFloatArray());
    assertArrayEquals(
        new float[] {8, 9, 0, 0, 0, 0, 0, 0, 0},
        Transforms.translate(-1, -2).apply(x).toFloatArray());
    assertArrayEquals(new float[9], Transforms.translate(3, 0).apply(x).toFloatArray());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void aTranslatedImageIsTheOriginalShifted(long seed) {
    int n = 40, ch = 2, h = 6, w = 7, max = 2;
    Tensor x = numbered(n, ch, h, w);
    float[] in = x.toFloatArray(),
        out = Transforms.randomTranslate(max, new Rng(seed)).apply(x).toFloatArray();
    Set<String> shifts = new HashSet<>();
    for (int i = 0; i < n; i++) {
      // (3, 3) is never shifted out by ±2 pixels
      int[] d = assertShiftedCopy(in, out, i, ch, h, w, h, w, 3, 3);
      assertTrue(
          Math.abs(d[0]) <= max && Math.abs(d[1]) <= max,
          "seed " + seed + " shift " + Arrays.toString(d));
      shifts.add(Arrays.toString(d));
    }
    assertTrue(shifts.size() >= 10, "samples get their own shifts, seed " + seed + ": " + shifts);
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5, 6})
  void aRandomCropIsAWindowOfTheZeroPaddedImage(long seed) {
    int n = 40, ch = 3, h = 6, w = 7, size = 5, pad = 2;
    Tensor x = numbered(n, ch, h, w);
    float[] in = x.toFloatArray(),
        out = Transforms.randomCrop(size, pad, new Rng(seed)).apply(x).toFloatArray();
    Set<String> offsets = new HashSet<>();
    for (int i = 0; i < n; i++) {
      // out (2, 2) is padded (2 + oy, 2 + ox) = x (oy, ox), inside for every oy ≤ 5, ox ≤ 6
      int[] d = assertShiftedCopy(in, out, i, ch, h, w, size, size, 2, 2);
      // the window's top-left corner in the padded image lies in [0, H + 2·pad − size]
      assertTrue(d[0] + pad >= 0 && d[0] + pad <= h + 2 * pad - size, "row offset " + d[0]);
      assertTrue(d[1] + pad >= 0 && d[1] + pad <= w + 2 * pad - size, "column offset " + d[1]);
      offsets.add(Arrays.toString(d));
    }
    assertTrue(offsets.size() >= 10, "samples get their own crops, seed " + seed + ": " + offsets);
  }

  @Test
  void theSameSeedGivesTheSameBatch() {
    Tensor x = Tensor.rand(new Rng(9), 16, 3, 32, 32);
    Transform a =
        Transforms.compose(
            Transforms.randomCrop(32, 4, new Rng(7)), Transforms.randomTranslate(2, new Rng(8)));
    Transform b =
        Transforms.compose(
            Transforms.randomCrop(32, 4, new Rng(7)), Transforms.randomTranslate(2, new Rng(8)));
    assertArrayEquals(a.apply(x).toFloatArray(), b.apply(x).toFloatArray());
    Tensor other = Transforms.randomCrop(32, 4, new Rng(70)).apply(x);
    assertFalse(
        Arrays.equals(
            Transforms.randomCrop(32, 4, new Rng(7)).apply(x).toFloatArray(),
            other.toFloatArray()));
    // the generator moves on: the next batch gets new crops
    Transform t = Transforms.randomCrop(32, 4, new Rng(7));
    assertFalse(Arrays.equals(t.apply(x).toFloatArray(), t.apply(x).toFloatArray()));
  }

  @Test
  void pixelSumsArePreservedWhileTheContentStaysInside() {
    int n = 32, border = 4;
    // random content surrounded by a zero border 4 pixels wide
    float[] v = Tensor.rand(new Rng(11), n, 1, 28, 28).toFloatArray();
    for (int i = 0; i < n; i++)
      for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++)
          if (r < border || r >= 28 - border || c < border || c >= 28 - border)
            v[(i * 28 + r) * 28 + c] = 0;
    Tensor x = Tensor.fromArray(v, n, 1, 28, 28);
    Tensor sums = x.sum(new int[] {1, 2, 3}, false);
    Tensor moved = Transforms.randomTranslate(border, new Rng(12)).apply(x);
    Tensor cropped = Transforms.randomCrop(28, border, new Rng(13)).apply(x);
    assertTrue(moved.sum(new int[] {1, 2, 3}, false).allClose(sums, 1e-5, 1e-4));
    assertTrue(cropped.sum(new int[] {1, 2, 3}, false).allClose(sums, 1e-5, 1e-4));
    assertFalse(Arrays.equals(v, moved.toFloatArray()), "something moved");
  }

  @Test
  void cropCutsAFixedWindowWithZerosOutsideTheImage() {
    int n = 3, ch = 2, h = 6, w = 7;
    Tensor x = numbered(n, ch, h, w);
    float[] in = x.toFloatArray();
    // inside, across the top-left corner, and across the bottom-right corner
    int[][] windows = {{1, 2, 3, 4}, {-2, -1, 5, 4}, {4, 5, 4, 3}};
    for (int[] win : windows) {
      Tensor out = Transforms.crop(win[0], win[1], win[2], win[3]).apply(x);
      assertArrayEquals(new int[] {n, ch, win[2], win[3]}, out.shape().toArray());
      // the window's pixel (r, c) is the image's (r + top, c + left), 0 outside
      int r0 = Math.max(0, -win[0]), c0 = Math.max(0, -win[1]);
      for (int i = 0; i < n; i++) {
        int[] d = assertShiftedCopy(in, out.toFloatArray(), i, ch, h, w, win[2], win[3], r0, c0);
        assertArrayEquals(new int[] {win[0], win[1]}, d, "window " + Arrays.toString(win));
      }
    }
    assertArrayEquals(
        x.toFloatArray(), Transforms.crop(0, 0, h, w).apply(x).toFloatArray(), "whole image");
  }

  @Test
  void cropRejectsEmptyWindowsAndWindowsOutsideTheImage() {
    Tensor x = Tensor.zeros(2, 1, 8, 8);
    var empty = assertThrows(IllegalArgumentException.class, () -> Transforms.crop(0, 0, 0, 3));
    assertTrue(empty.getMessage().contains("crop: height and width must be positive, got 0x3"));
    var outside =
        assertThrows(IllegalArgumentException.class, () -> Transforms.crop(8, 0, 3, 3).apply(x));
    assertTrue(
        outside.getMessage().contains("does not overlap images [2,1,8,8]"), outside.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Transforms.crop(0, -3, 3, 3).apply(x));
    assertThrows(
        IllegalArgumentException.class,
        () -> Transforms.crop(0, 0, 3, 3).apply(Tensor.zeros(8, 8)));
  }

  @Test
  void rejectsWhatItCannotDo() {
    Tensor x = Tensor.zeros(2, 1, 8, 8);
    assertThrows(
        IllegalArgumentException.class, () -> Transforms.randomCrop(11, 1, new Rng(0)).apply(x));
    assertThrows(IllegalArgumentException.class, () -> Transforms.randomCrop(0, 1, new Rng(0)));
    assertThrows(IllegalArgumentException.class, () -> Transforms.randomCrop(8, -1, new Rng(0)));
    assertThrows(IllegalArgumentException.class, () -> Transforms.randomTranslate(-1, new Rng(0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Transforms.randomTranslate(1, new Rng(0)).apply(Tensor.zeros(8, 8)));
  }
}
