package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
  @TempDir Path dir;

  @Test
  void readsRecordsAsChannelFirstImages() throws IOException {
    Path a = Files.write(dir.resolve("data_batch_1.bin"), Fixtures.cifarBatch(3, 0));
    Path b = Files.write(dir.resolve("data_batch_2.bin"), Fixtures.cifarBatch(2, 3));
    TensorDataset ds = Cifar10.read(a, b);
    assertEquals(5, ds.size());
    assertArrayEquals(new int[] {5, 3, 32, 32}, ds.images().shape().toArray());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4}, ds.labels().toFloatArray());
    assertEquals(Cifar10.CLASS_NAMES, ds.classNames());
    assertEquals("truck", ds.classNames().get(9));
    // record 1 of the first file: pixel p = (1 + p) mod 256; p = 1024 is the first green value
    float[] x = ds.get(1).x().toFloatArray();
    assertEquals(1 / 255f, x[0], 0f);
    assertEquals(((1 + 1024) % 256) / 255f, x[1024], 0f);
    assertEquals(((1 + 3071) % 256) / 255f, x[3071], 0f);
  }

  @Test
  void incompleteRecordNamesTheFileAndSize() throws IOException {
    byte[] batch = Fixtures.cifarBatch(2, 0);
    Path p = Files.write(dir.resolve("test_batch.bin"), Arrays.copyOf(batch, batch.length - 100));
    var e = assertThrows(DataException.class, () -> Cifar10.read(p));
    assertTrue(
        e.getMessage().contains(p.toString())
            && e.getMessage().contains((batch.length - 100) + " bytes"),
        e.getMessage());
  }

  @Test
  void labelOutOfRangeIsReported() throws IOException {
    byte[] batch = Fixtures.cifarBatch(2, 0);
    batch[3073] = (byte) 200;
    Path p = Files.write(dir.resolve("bad.bin"), batch);
    var e = assertThrows(DataException.class, () -> Cifar10.read(p));
    assertTrue(e.getMessage().contains("record 1 has label 200"), e.getMessage());
  }
}
