package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderSizeTest {
  @Test
  void aBatchSizeOfIntegerMaxValueIsOneBatchOfEverything() {
    // (n + batchSize − 1) / batchSize overflowed: 0 batches, and toString said "-1 batches".
    var ds = TensorDataset.of(Tensor.arange(5).reshape(5, 1), Tensor.zeros(5));
    var loader = new DataLoader(ds, Integer.MAX_VALUE);
    assertEquals(1, loader.numBatches());
    List<Batch> batches = new ArrayList<>();
    loader.forEach(batches::add);
    assertEquals(1, batches.size());
    assertArrayEquals(new int[] {5, 1}, batches.get(0).x().shape().toArray());
    assertEquals("DataLoader(5 examples, batchSize=2147483647, 1 batches)", loader.toString());
    assertEquals(0, new DataLoader(ds, Integer.MAX_VALUE).dropLast(true).numBatches());
  }

  @Test
  void batchCountsAreCeilingAndFloor() {
    var ds = TensorDataset.of(Tensor.arange(10).reshape(10, 1), Tensor.zeros(10));
    assertEquals(4, new DataLoader(ds, 3).numBatches());
    assertEquals(3, new DataLoader(ds, 3).dropLast(true).numBatches());
    assertEquals(2, new DataLoader(ds, 5).numBatches());
  }
}
