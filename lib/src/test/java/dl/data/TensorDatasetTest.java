package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TensorDatasetTest {
  /**
   * n examples whose input is [i, 10·i] and whose target is i: an example's id can be read back.
   */
  static TensorDataset ids(int n) {
    float[] x = new float[2 * n], y = new float[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 10 * i;
      y[i] = i;
    }
    return TensorDataset.of(Tensor.fromArray(x, n, 2), Tensor.fromArray(y, n));
  }

  static Set<Integer> idSet(TensorDataset ds) {
    Set<Integer> s = new HashSet<>();
    for (int v : ds.labelArray()) s.add(v);
    return s;
  }

  @Test
  void ofKeepsRowsAndShapes() {
    TensorDataset ds = ids(5);
    assertEquals(5, ds.size());
    assertArrayEquals(new int[] {2}, ds.inputShape());
    assertArrayEquals(new int[] {}, ds.targetShape());
    assertArrayEquals(new int[] {5, 2}, ds.x().shape().toArray());
    assertArrayEquals(new int[] {5}, ds.y().shape().toArray());
    assertEquals(5, ds.numClasses());
  }

  @Test
  void ofRejectsDifferentFirstSizes() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TensorDataset.of(Tensor.zeros(3, 2), Tensor.zeros(4)));
    assertTrue(e.getMessage().contains("[3,2]") && e.getMessage().contains("[4]"), e.getMessage());
  }

  @Test
  void batchGathersRowsInTheGivenOrder() {
    Batch b = ids(6).batch(new int[] {4, 1, 4});
    assertEquals(3, b.size());
    assertArrayEquals(new float[] {4, 40, 1, 10, 4, 40}, b.x().toFloatArray());
    assertArrayEquals(new float[] {4, 1, 4}, b.y().toFloatArray());
    assertThrows(IndexOutOfBoundsException.class, () -> ids(3).batch(new int[] {3}));
  }

  @Test
  void getReturnsOneExampleWithoutABatchAxis() {
    Batch e = ids(4).get(2);
    assertArrayEquals(new int[] {2}, e.x().shape().toArray());
    assertEquals(0, e.y().dim());
    assertEquals(2, e.y().item());
  }

  @Test
  void subsetAndSliceCopyTheChosenExamples() {
    TensorDataset ds = ids(10);
    assertArrayEquals(new int[] {0, 1, 2}, ds.subset(3).labelArray());
    assertArrayEquals(new int[] {7, 2}, ds.subset(new int[] {7, 2}).labelArray());
    assertArrayEquals(new int[] {4, 5}, ds.slice(4, 6).labelArray());
    assertEquals(10, ds.subset(10).size());
    assertThrows(IllegalArgumentException.class, () -> ds.subset(11));
  }

  @Test
  void splitPutsEveryExampleInExactlyOnePart() {
    TensorDataset ds = ids(1000);
    TensorDataset.Split s = ds.split(0.2, 42);
    assertEquals(200, s.val().size());
    assertEquals(800, s.train().size());
    Set<Integer> train = idSet(s.train()), val = idSet(s.val());
    assertEquals(800, train.size(), "no example twice in train");
    assertEquals(200, val.size(), "no example twice in val");
    Set<Integer> both = new HashSet<>(train);
    both.retainAll(val);
    assertTrue(both.isEmpty(), "train and val overlap: " + both);
    train.addAll(val);
    assertEquals(1000, train.size(), "train ∪ val is the whole set");
    // the input rows still belong to their targets
    Batch b = s.val().batch(new int[] {0});
    assertEquals(b.y().item() * 10, b.x().toFloatArray()[1]);
  }

  @Test
  void splitIsSeeded() {
    TensorDataset ds = ids(100);
    assertEquals(ds.split(0.3, 7).val(), ds.split(0.3, 7).val());
    assertNotEquals(ds.split(0.3, 7).val(), ds.split(0.3, 8).val());
    assertEquals(30, ds.split(30, 1).val().size());
    assertThrows(IllegalArgumentException.class, () -> ds.split(1.5, 1));
  }

  @Test
  void sampleDrawsWithoutReplacement() {
    TensorDataset s = ids(50).sample(20, 3);
    assertEquals(20, idSet(s).size());
    assertEquals(s, ids(50).sample(20, 3));
  }

  @Test
  void classNamesCountsAndToString() {
    TensorDataset ds =
        TensorDataset.of(Tensor.zeros(4, 3), Tensor.of(0, 2, 2, 1)).withClassNames("a", "b", "c");
    assertEquals(List.of("a", "b", "c"), ds.classNames());
    assertArrayEquals(new int[] {1, 1, 2}, ds.classCounts());
    assertEquals("TensorDataset(4 examples, x [3], y [], 3 classes)", ds.toString());
  }

  @Test
  void dataSplitsValidationComesFromTrainOnly() {
    DataSplits d = new DataSplits("ids", ids(100), ids(30));
    DataSplits v = d.withValidation(0.25, 5);
    assertEquals(75, v.train().size());
    assertEquals(25, v.val().size());
    assertEquals(d.test(), v.test(), "the test part is untouched");
    Set<Integer> trainIds = idSet(v.train());
    trainIds.retainAll(idSet(v.val()));
    assertTrue(trainIds.isEmpty());
    assertThrows(IllegalStateException.class, d::val);
    assertThrows(IllegalStateException.class, () -> v.withValidation(0.1, 1));
    assertEquals("ids: train 75, val 25, test 30, input [2], 100 classes", v.toString());
    DataSplits small = v.subset(10, 5);
    assertEquals(
        List.of(10, 5, 5), List.of(small.train().size(), small.val().size(), small.test().size()));
    assertEquals(Arrays.toString(new int[] {2}), Arrays.toString(small.inputShape()));
  }
}
