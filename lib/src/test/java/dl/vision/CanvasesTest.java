package dl.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.data.TensorDataset;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanvasesTest {
  /**
   * Fake digits: 28x28 images with a random solid blob (values 0.6-1) and a faint rim (0.2) around
   * it, so ink (>= 0.5) and non-zero pixels differ, as in MNIST. Labels cycle 0..9.
   */
  static TensorDataset fakeDigits(int n, long seed) {
    Rng rng = new Rng(seed);
    float[] x = new float[n * 28 * 28];
    float[] y = new float[n];
    for (int k = 0; k < n; k++) {
      y[k] = k % 10;
      int w = 4 + rng.nextInt(14), h = 8 + rng.nextInt(12);
      int x0 = 2 + rng.nextInt(26 - w - 2), y0 = 2 + rng.nextInt(26 - h - 2);
      for (int r = y0 - 1; r <= y0 + h; r++)
        for (int c = x0 - 1; c <= x0 + w; c++) {
          boolean inside = r >= y0 && r < y0 + h && c >= x0 && c < x0 + w;
          x[k * 784 + r * 28 + c] = inside ? (float) rng.uniform(0.6, 1.0) : 0.2f;
        }
    }
    return TensorDataset.of(Tensor.fromArray(x, n, 1, 28, 28), Tensor.fromArray(y, n));
  }

  static final TensorDataset DIGITS = fakeDigits(50, 3);

  @Test
  void theSameSeedGivesTheSameCanvasesAndAnotherSeedOthers() {
    Canvases a = Canvases.generate(DIGITS, 20, 64, 1, 3, 11);
    Canvases b = Canvases.generate(DIGITS, 20, 64, 1, 3, 11);
    Canvases c = Canvases.generate(DIGITS, 20, 64, 1, 3, 12);
    assertArrayEquals(a.images().toFloatArray(), b.images().toFloatArray());
    assertArrayEquals(a.masks().toFloatArray(), b.masks().toFloatArray());
    assertEquals(a.boxes(), b.boxes());
    assertFalse(a.boxes().equals(c.boxes()), "seed 12 places other digits");
    assertArrayEquals(new int[] {20, 1, 64, 64}, a.images().shape().toArray());
    assertArrayEquals(new int[] {20, 64, 64}, a.masks().shape().toArray());
  }

  @Test
  void everyCanvasHasBetweenMinAndMaxDigitsAndBoxesNeverOverlap() {
    Canvases set = Canvases.generate(DIGITS, 200, 64, 1, 3, 5);
    int[] perCount = new int[4];
    for (List<Box> boxes : set.boxes()) {
      assertTrue(boxes.size() >= 1 && boxes.size() <= 3, "digits per canvas: " + boxes.size());
      perCount[boxes.size()]++;
      for (int i = 0; i < boxes.size(); i++)
        for (int j = i + 1; j < boxes.size(); j++)
          assertEquals(0.0, boxes.get(i).intersection(boxes.get(j)), "boxes " + boxes);
    }
    assertTrue(
        perCount[1] > 30 && perCount[2] > 30 && perCount[3] > 30, "1, 2 and 3 digits all occur");
  }

  @Test
  void boxesContainAllInkAndAreTightAroundIt() {
    Canvases set = Canvases.generate(DIGITS, 50, 48, 2, 3, 9);
    float[] img = set.images().toFloatArray();
    int s = set.size();
    for (int n = 0; n < set.count(); n++) {
      List<Box> boxes = set.boxes(n);
      for (int y = 0; y < s; y++)
        for (int x = 0; x < s; x++) {
          if (img[n * s * s + y * s + x] < Canvases.INK) continue;
          final int px = x, py = y;
          long holding = boxes.stream().filter(b -> b.containsPixel(px, py)).count();
          assertEquals(1, holding, "ink pixel (" + x + ", " + y + ") of canvas " + n);
        }
      for (Box b : boxes) { // tight: ink on each of the four edges
        assertTrue(
            inkInRect(img, n, s, (int) b.x0(), (int) b.y0(), (int) b.x0() + 1, (int) b.y1()));
        assertTrue(
            inkInRect(img, n, s, (int) b.x1() - 1, (int) b.y0(), (int) b.x1(), (int) b.y1()));
        assertTrue(
            inkInRect(img, n, s, (int) b.x0(), (int) b.y0(), (int) b.x1(), (int) b.y0() + 1));
        assertTrue(
            inkInRect(img, n, s, (int) b.x0(), (int) b.y1() - 1, (int) b.x1(), (int) b.y1()));
      }
    }
  }

  static boolean inkInRect(float[] img, int n, int s, int x0, int y0, int x1, int y1) {
    for (int y = y0; y < y1; y++)
      for (int x = x0; x < x1; x++) if (img[n * s * s + y * s + x] >= Canvases.INK) return true;
    return false;
  }

  @Test
  void masksAgreeWithBoxesAndInk() {
    Canvases set = Canvases.generate(DIGITS, 50, 64, 1, 3, 21);
    float[] img = set.images().toFloatArray();
    int[] mask = set.masks().toIntArray();
    int s = set.size();
    for (int n = 0; n < set.count(); n++) {
      for (int y = 0; y < s; y++)
        for (int x = 0; x < s; x++) {
          int at = n * s * s + y * s + x;
          final int px = x, py = y;
          Box holder =
              set.boxes(n).stream().filter(b -> b.containsPixel(px, py)).findFirst().orElse(null);
          if (img[at] >= Canvases.INK) {
            assertEquals(holder.label() + 1, mask[at], "mask at ink (" + x + ", " + y + ")");
          } else {
            assertEquals(0, mask[at], "background at (" + x + ", " + y + ") of canvas " + n);
          }
        }
    }
  }

  @Test
  void labelsComeFromTheDigits() {
    Canvases set = Canvases.generate(DIGITS, 100, 64, 1, 3, 2);
    boolean[] seen = new boolean[10];
    for (List<Box> boxes : set.boxes()) for (Box b : boxes) seen[b.label()] = true;
    for (int d = 0; d < 10; d++) assertTrue(seen[d], "digit " + d + " appears");
  }

  @Test
  void sliceKeepsImagesMasksAndBoxesTogether() {
    Canvases set = Canvases.generate(DIGITS, 10, 64, 1, 3, 4);
    Canvases part = set.slice(3, 7);
    assertEquals(4, part.count());
    assertEquals(set.boxes(5), part.boxes(2));
    assertArrayEquals(
        set.images().narrow(0, 5, 1).toFloatArray(), part.images().narrow(0, 2, 1).toFloatArray());
    assertTrue(
        set.toString().startsWith("Canvases[10 canvases 64x64, 1-3 digits each"), set.toString());
  }

  @Test
  void badArgumentsAreNamed() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Canvases.generate(DIGITS, 5, 20, 1, 3, 1));
    assertTrue(
        e.getMessage().contains("canvas of 20 pixels cannot hold a 28x28 digit"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Canvases.generate(DIGITS, 5, 64, 3, 2, 1));
    assertTrue(e.getMessage().contains("minDigits <= maxDigits"), e.getMessage());
    TensorDataset bytes = TensorDataset.of(Tensor.ones(2, 1, 28, 28).mul(255), Tensor.of(1, 2));
    e = assertThrows(IllegalArgumentException.class, () -> Canvases.generate(bytes, 5, 1));
    assertTrue(e.getMessage().contains("divide bytes by 255"), e.getMessage());
  }
}
