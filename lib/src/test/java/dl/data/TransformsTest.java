package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dl.tensor.Rng;
import dl.tensor.Tensor;
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
}
