package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransformsTest {
  @Test
  void normalizeWithOneMeanAndStd() {
    Tensor y = Transforms.normalize(1, 2).apply(Tensor.of(1, 3, 5));
    assertArrayEquals(new float[] {0, 1, 2}, y.toFloatArray());
  }

  @Test
  void normalizePerChannel() {
    // [N=1, C=2, 1, 2]: channel 0 = {1, 3}, channel 1 = {10, 20}
    Tensor x = Tensor.fromArray(new float[] {1, 3, 10, 20}, 1, 2, 1, 2);
    Tensor y = Transforms.normalize(new double[] {1, 10}, new double[] {2, 10}).apply(x);
    assertArrayEquals(new float[] {0, 1, 0, 1}, y.toFloatArray(), 1e-6f);
    assertThrows(
        IllegalArgumentException.class,
        () -> Transforms.normalize(new double[] {0, 0, 0}, new double[] {1, 1, 1}).apply(x));
  }

  @Test
  void flattenKeepsTheBatchAxis() {
    assertArrayEquals(
        new int[] {5, 784},
        Transforms.flatten().apply(Tensor.zeros(5, 1, 28, 28)).shape().toArray());
    assertArrayEquals(
        new int[] {5, 3}, Transforms.flatten().apply(Tensor.zeros(5, 3)).shape().toArray());
  }

  @Test
  void horizontalFlipMirrorsTheLastAxis() {
    Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3);
    assertArrayEquals(
        new float[] {3, 2, 1, 6, 5, 4},
        Transforms.randomHorizontalFlip(1, new Rng(0)).apply(x).toFloatArray());
    assertArrayEquals(
        x.toFloatArray(), Transforms.randomHorizontalFlip(0, new Rng(0)).apply(x).toFloatArray());
    // about half of 1000 examples are flipped with p = 0.5
    float[] v = new float[2000];
    for (int i = 0; i < 1000; i++) v[2 * i + 1] = 1;
    float[] out =
        Transforms.randomHorizontalFlip(0.5, new Rng(1))
            .apply(Tensor.fromArray(v, 1000, 2))
            .toFloatArray();
    int flipped = 0;
    for (int i = 0; i < 1000; i++) if (out[2 * i] == 1) flipped++;
    assertEquals(500, flipped, 60);
  }

  @Test
  void composeRunsInOrder() {
    Transform t = Transforms.compose(x -> x.add(1), x -> x.mul(3));
    assertArrayEquals(new float[] {6}, t.apply(Tensor.of(1)).toFloatArray());
  }

  @Test
  void oneHot() {
    assertArrayEquals(
        new float[] {0, 1, 0, 1, 0, 0}, Transforms.oneHot(3).apply(Tensor.of(1, 0)).toFloatArray());
    assertThrows(IllegalArgumentException.class, () -> Transforms.oneHot(3).apply(Tensor.of(3)));
  }

  /** Mean of each image of a batch [N, ...]. */
  private static double[] imageMeans(Tensor x) {
    return x.reshape(x.size(0), -1).mean(1).toDoubleArray();
  }

  private static double[] imageStds(Tensor x) {
    return x.reshape(x.size(0), -1).std(1).toDoubleArray();
  }

  @Test
  void brightnessMovesEveryImageMeanByTheOffset() {
    Tensor x = Tensor.rand(new Rng(3), 4, 3, 5, 5);
    double[] before = imageMeans(x), after = imageMeans(Transforms.adjustBrightness(-0.2).apply(x));
    for (int i = 0; i < before.length; i++) assertEquals(before[i] - 0.2, after[i], 1e-6);
    assertThrows(IllegalArgumentException.class, () -> Transforms.adjustBrightness(Double.NaN));
  }

  @Test
  void contrastKeepsTheMeanAndScalesTheStd() {
    Tensor x = Tensor.rand(new Rng(4), 3, 1, 6, 6);
    Tensor y = Transforms.adjustContrast(1.5).apply(x);
    double[] m0 = imageMeans(x), m1 = imageMeans(y), s0 = imageStds(x), s1 = imageStds(y);
    for (int i = 0; i < m0.length; i++) {
      assertEquals(m0[i], m1[i], 1e-6, "mean of image " + i);
      assertEquals(1.5 * s0[i], s1[i], 1e-5, "std of image " + i);
    }
    // factor 0: every pixel becomes its image's mean
    Tensor flat = Transforms.adjustContrast(0).apply(x);
    assertEquals(0, imageStds(flat)[0], 1e-6);
    var e = assertThrows(IllegalArgumentException.class, () -> Transforms.adjustContrast(-1));
    assertTrue(e.getMessage().contains("adjustContrast"), e.getMessage());
  }

  @Test
  void colorJitterDrawsOneChangePerImageWithinItsRanges() {
    // contrast 0: each image is shifted by one brightness offset plus one cast per channel
    Tensor x = Tensor.full(DType.FLOAT32, 0.5, 200, 3, 2, 2);
    float[] out = Transforms.colorJitter(0.1, 0, 0.05, new Rng(7)).apply(x).toFloatArray();
    Set<Float> distinct = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      for (int c = 0; c < 3; c++) {
        int from = (i * 3 + c) * 4;
        for (int j = 1; j < 4; j++) assertEquals(out[from], out[from + j], "one shift per channel");
        assertTrue(Math.abs(out[from] - 0.5) <= 0.15 + 1e-6, "within brightness + cast");
        distinct.add(out[from]);
      }
    }
    assertTrue(
        distinct.size() > 500, "offsets are drawn per image and channel: " + distinct.size());
    // the same seed gives the same augmentation
    assertArrayEquals(
        out, Transforms.colorJitter(0.1, 0, 0.05, new Rng(7)).apply(x).toFloatArray());
  }

  @Test
  void colorJitterClampsToValidPixels() {
    Tensor x = Tensor.rand(new Rng(5), 50, 3, 4, 4);
    Tensor y = Transforms.colorJitter(0.8, 0.9, 0.3, new Rng(6)).apply(x);
    assertTrue(y.min().item() >= 0 && y.max().item() <= 1);
    assertArrayEquals(x.shape().toArray(), y.shape().toArray());
    assertThrows(
        IllegalArgumentException.class, () -> Transforms.colorJitter(0.1, 1.5, 0, new Rng(0)));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Transforms.colorJitter(0.1, 0.1, 0, new Rng(0)).apply(Tensor.zeros(4, 4)));
    assertTrue(
        e.getMessage().contains("colorJitter") && e.getMessage().contains("[4,4]"), e.getMessage());
  }
}
