package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
  private static List<Integer> order(DataLoader loader) {
    List<Integer> ids = new ArrayList<>();
    for (Batch b : loader) for (int v : b.y().toIntArray()) ids.add(v);
    return ids;
  }

  private static List<Integer> sizes(DataLoader loader) {
    List<Integer> s = new ArrayList<>();
    for (Batch b : loader) s.add(b.size());
    return s;
  }

  @Test
  void batchesInOrderWithASmallerLastBatch() {
    DataLoader loader = new DataLoader(TensorDatasetTest.ids(10), 4);
    assertEquals(3, loader.numBatches());
    assertEquals(List.of(4, 4, 2), sizes(loader));
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order(loader));
    Batch first = loader.iterator().next();
    assertArrayEquals(new int[] {4, 2}, first.x().shape().toArray());
    assertArrayEquals(new int[] {4}, first.y().shape().toArray());
  }

  @Test
  void dropLastDropsTheIncompleteBatch() {
    DataLoader loader = new DataLoader(TensorDatasetTest.ids(10), 4).dropLast(true);
    assertEquals(2, loader.numBatches());
    assertEquals(List.of(4, 4), sizes(loader));
    assertEquals(List.of(5, 5), sizes(new DataLoader(TensorDatasetTest.ids(10), 5).dropLast(true)));
  }

  @Test
  void shuffleIsAPermutationEachEpochAndSeeded() {
    TensorDataset ds = TensorDatasetTest.ids(50);
    DataLoader a = new DataLoader(ds, 8).shuffle(42), b = new DataLoader(ds, 8).shuffle(42);
    List<Integer> a1 = order(a), a2 = order(a), b1 = order(b), b2 = order(b);
    assertEquals(a1, b1, "same seed, same first epoch");
    assertEquals(a2, b2, "same seed, same second epoch");
    assertNotEquals(a1, a2, "epochs differ");
    List<Integer> sorted = new ArrayList<>(a1);
    sorted.sort(null);
    assertEquals(order(new DataLoader(ds, 8)), sorted, "every example exactly once per epoch");
    assertNotEquals(a1, order(new DataLoader(ds, 8).shuffle(43)));
  }

  @Test
  void shuffleWithTheGlobalGeneratorFollowsManualSeed() {
    TensorDataset ds = TensorDatasetTest.ids(30);
    Tensor.manualSeed(3);
    List<Integer> first = order(new DataLoader(ds, 7).shuffle(true));
    Tensor.manualSeed(3);
    assertEquals(first, order(new DataLoader(ds, 7).shuffle(true)));
    assertEquals(
        order(new DataLoader(ds, 7)), order(new DataLoader(ds, 7).shuffle(true).shuffle(false)));
  }

  @Test
  void shuffledDropLastStillDrawsFromAllExamples() {
    DataLoader loader = new DataLoader(TensorDatasetTest.ids(10), 3).shuffle(1).dropLast(true);
    List<Integer> seen = new ArrayList<>();
    for (int epoch = 0; epoch < 20; epoch++) seen.addAll(order(loader));
    for (int id = 0; id < 10; id++)
      assertTrue(seen.contains(id), "example " + id + " never served");
    assertEquals(9 * 20, seen.size());
  }

  @Test
  void transformsApplyToEachBatch() {
    DataLoader loader =
        new DataLoader(TensorDatasetTest.ids(4), 2)
            .transform(x -> x.mul(2))
            .transform(x -> x.add(1))
            .targetTransform(Transforms.oneHot(4));
    Batch b = loader.iterator().next();
    assertArrayEquals(new float[] {1, 1, 3, 21}, b.x().toFloatArray());
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, b.y().toFloatArray());
  }

  @Test
  void streamAndErrors() {
    assertEquals(3, new DataLoader(TensorDatasetTest.ids(5), 2).stream().count());
    assertThrows(IllegalArgumentException.class, () -> new DataLoader(TensorDatasetTest.ids(5), 0));
    var it = new DataLoader(TensorDatasetTest.ids(2), 2).iterator();
    it.next();
    assertThrows(java.util.NoSuchElementException.class, it::next);
    assertEquals(
        "DataLoader(5 examples, batchSize=2, 2 batches, shuffle, dropLast)",
        new DataLoader(TensorDatasetTest.ids(5), 2).shuffle(1).dropLast(true).toString());
    assertEquals(0, new DataLoader(TensorDatasetTest.ids(1), 2).dropLast(true).numBatches());
    assertEquals(
        Arrays.asList(), order(new DataLoader(TensorDatasetTest.ids(1), 2).dropLast(true)));
  }
}
