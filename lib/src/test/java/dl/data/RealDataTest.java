package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MNIST and Fashion-MNIST as the course uses them, from the real files. Not skipped when the data
 * is missing: CI's setup runs {@code bash ci/fetch-data.sh all} first, and on a fresh checkout the
 * failure message names that command. Downloads are off here so tests never reach the internet.
 */
class RealDataTest {
  static DataSplits mnist, fashion;
  static double mnistSeconds;

  @BeforeAll
  static void load() {
    DataStore store = DataStore.defaults().downloads(false);
    long t0 = System.nanoTime();
    mnist = store.mnist();
    mnistSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("RealDataTest: loaded and verified MNIST in %.2f s%n", mnistSeconds);
    fashion = store.fashionMnist();
  }

  @Test
  void mnistHasTheStandardSplitsShapesAndLabels() {
    assertEquals("MNIST: train 60000, test 10000, input [1,28,28], 10 classes", mnist.toString());
    assertArrayEquals(new int[] {60000, 1, 28, 28}, mnist.train().images().shape().toArray());
    assertArrayEquals(new int[] {10000}, mnist.test().labels().shape().toArray());
    // the published class counts, and the famous first digits: a 5, 0, 4 in train and 7, 2, 1 in
    // test
    assertArrayEquals(
        new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
        mnist.train().classCounts());
    assertArrayEquals(
        new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
        mnist.test().classCounts());
    assertArrayEquals(new int[] {5, 0, 4}, mnist.train().subset(3).labelArray());
    assertArrayEquals(new int[] {7, 2, 1}, mnist.test().subset(3).labelArray());
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), mnist.classNames());
  }

  @Test
  void mnistPixelsAreScaledToTheUnitInterval() {
    float[] first = mnist.train().get(0).x().toFloatArray();
    double sum = 0;
    float max = 0;
    for (float v : first) {
      sum += v;
      max = Math.max(max, v);
    }
    assertEquals(27525 / 255.0, sum, 1e-3); // the first image's pixel sum, 27525 in bytes
    assertEquals(1f, max);
    assertEquals(Transforms.MNIST_MEAN, mnist.train().images().mean().item(), 1e-4);
  }

  @Test
  void fashionMnistHasItsClassNamesAndBalancedClasses() {
    assertEquals(
        "Fashion-MNIST: train 60000, test 10000, input [1,28,28], 10 classes", fashion.toString());
    assertEquals(
        List.of(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot"),
        fashion.classNames());
    for (int c : fashion.train().classCounts()) assertEquals(6000, c);
    for (int c : fashion.test().classCounts()) assertEquals(1000, c);
    assertEquals("Ankle boot", fashion.classNames().get(fashion.train().labelArray()[0]));
  }

  @Test
  void validationSplitOfRealDataLeavesTestAlone() {
    DataSplits d = mnist.withValidation(0.1, 42);
    assertEquals(
        "MNIST: train 54000, val 6000, test 10000, input [1,28,28], 10 classes", d.toString());
    assertTrue(d.test() == mnist.test());
    DataLoader loader = new DataLoader(d.train(), 64).shuffle(1).dropLast(true);
    assertEquals(843, loader.numBatches());
    Batch b = loader.iterator().next();
    assertArrayEquals(new int[] {64, 1, 28, 28}, b.x().shape().toArray());
  }
}
