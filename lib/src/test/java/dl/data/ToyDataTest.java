package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class ToyDataTest {
  private static void seededAndShaped(LongFunction<TensorDataset> make, int n, int classes) {
    TensorDataset a = make.apply(1), b = make.apply(1), c = make.apply(2);
    assertEquals(a, b, "same seed, same points");
    assertNotEquals(a, c, "another seed, other points");
    assertArrayEquals(new int[] {n, 2}, a.x().shape().toArray());
    assertArrayEquals(new int[] {n}, a.y().shape().toArray());
    assertEquals(classes, a.numClasses());
    int[] counts = a.classCounts();
    for (int k : counts)
      assertEquals(
          (double) n / classes,
          k,
          1.0 + (double) n / classes * 0.2,
          "class sizes " + java.util.Arrays.toString(counts));
  }

  @Test
  void allGeneratorsAreSeededAndShaped() {
    seededAndShaped(s -> ToyData.blobs(301, 3, 0.5, s), 301, 3);
    seededAndShaped(s -> ToyData.redGreen(100, s), 100, 2);
    seededAndShaped(s -> ToyData.xor(400, 0.1, s), 400, 2);
    seededAndShaped(s -> ToyData.circles(200, 0.05, 0.5, s), 200, 2);
    seededAndShaped(s -> ToyData.moons(200, 0.1, s), 200, 2);
    seededAndShaped(s -> ToyData.spirals(300, 3, 0.2, s), 300, 3);
  }

  @Test
  void examplesAreShuffled() {
    int[] y = ToyData.blobs(100, 2, 0.5, 0).labelArray();
    int firstHalfOnes = 0;
    for (int i = 0; i < 50; i++) firstHalfOnes += y[i];
    assertNotEquals(0, firstHalfOnes);
    assertNotEquals(50, firstHalfOnes);
  }

  @Test
  void geometryWithoutNoise() {
    TensorDataset c = ToyData.circles(100, 0, 0.4, 3);
    float[] x = c.x().toFloatArray();
    int[] y = c.labelArray();
    for (int i = 0; i < 100; i++) {
      double r = Math.hypot(x[2 * i], x[2 * i + 1]);
      assertEquals(y[i] == 0 ? 1.0 : 0.4, r, 1e-5);
    }
    TensorDataset xor = ToyData.xor(200, 0, 4);
    x = xor.x().toFloatArray();
    y = xor.labelArray();
    for (int i = 0; i < 200; i++) assertEquals((x[2 * i] > 0) != (x[2 * i + 1] > 0) ? 1 : 0, y[i]);
    TensorDataset blobs = ToyData.blobs(40, new double[][] {{5, 5}, {-5, -5}}, 0, 1);
    x = blobs.x().toFloatArray();
    y = blobs.labelArray();
    for (int i = 0; i < 40; i++) assertEquals(y[i] == 0 ? 5f : -5f, x[2 * i]);
  }

  @Test
  void namesAndErrors() {
    assertEquals(List.of("red", "green"), ToyData.redGreen(10, 0).classNames());
    assertEquals(List.of("0", "1", "2"), ToyData.spirals(30, 3, 0, 0).classNames());
    assertThrows(IllegalArgumentException.class, () -> ToyData.spirals(2, 3, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> ToyData.circles(10, 0, 1.5, 0));
  }
}
