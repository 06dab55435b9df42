package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  @Test
  void readsRawImagesAsUnitFloatsWithAChannelAxis() throws IOException {
    Tensor x = Idx.readImages(write("img", Fixtures.idxUbyte(3, 2, 4)));
    assertArrayEquals(new int[] {3, 1, 2, 4}, x.shape().toArray());
    float[] v = x.toFloatArray();
    for (int i = 0; i < v.length; i++)
      assertEquals(((i * 7 + 3) % 256) / 255f, v[i], 0f, "value " + i);
  }

  @Test
  void gzippedAndRawGiveTheSameTensor() throws IOException {
    byte[] raw = Fixtures.idxUbyte(5, 3, 3);
    Tensor a = Idx.readImages(write("a", raw));
    Tensor b = Idx.readImages(write("b.gz", Fixtures.gzip(raw)));
    Tensor c =
        Idx.readImages(write("c-no-extension", Fixtures.gzip(raw))); // detected from the content
    assertArrayEquals(a.toFloatArray(), b.toFloatArray());
    assertArrayEquals(a.toFloatArray(), c.toFloatArray());
  }

  @Test
  void readsLabelsAsFloatClassIndices() throws IOException {
    Tensor y = Idx.readLabels(write("lab", Fixtures.idxLabels(5, 0, 4, 9)));
    assertArrayEquals(new int[] {4}, y.shape().toArray());
    assertArrayEquals(new float[] {5, 0, 4, 9}, y.toFloatArray());
  }

  @Test
  void readsImagesAndLabelsAsADataset() throws IOException {
    TensorDataset ds =
        Idx.read(
            write("i", Fixtures.idxUbyte(4, 2, 2)),
            write("l", Fixtures.idxLabels(1, 0, 1, 1)),
            List.of("no", "yes"));
    assertEquals(4, ds.size());
    assertArrayEquals(new int[] {1, 2, 2}, ds.inputShape());
    assertEquals(List.of("no", "yes"), ds.classNames());
    var e =
        assertThrows(
            DataException.class,
            () ->
                Idx.read(
                    write("i2", Fixtures.idxUbyte(4, 2, 2)),
                    write("l2", Fixtures.idxLabels(1, 0)),
                    List.of()));
    assertTrue(
        e.getMessage().contains("4 images") && e.getMessage().contains("2 labels"), e.getMessage());
    e =
        assertThrows(
            DataException.class,
            () ->
                Idx.read(
                    write("i3", Fixtures.idxUbyte(2, 2, 2)),
                    write("l3", Fixtures.idxLabels(1, 7)),
                    List.of("a", "b")));
    assertTrue(e.getMessage().contains("label 7"), e.getMessage());
  }

  @Test
  void readsOtherValueTypes() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 8 + 6 * 4);
    b.put(new byte[] {0, 0, 0x0D, 2}).putInt(2).putInt(3);
    for (int i = 0; i < 6; i++) b.putFloat(i - 2.5f);
    Tensor t = Idx.read(write("floats", b.array()));
    assertArrayEquals(new int[] {2, 3}, t.shape().toArray());
    assertArrayEquals(new float[] {-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f}, t.toFloatArray());
    ByteBuffer s = ByteBuffer.allocate(4 + 4 + 2 * 2);
    s.put(new byte[] {0, 0, 0x0B, 1}).putInt(2).putShort((short) -300).putShort((short) 300);
    assertArrayEquals(new float[] {-300, 300}, Idx.read(write("shorts", s.array())).toFloatArray());
  }

  @Test
  void truncatedFileNamesTheFileAndBothSizes() throws IOException {
    byte[] raw = Fixtures.idxUbyte(10, 4, 4);
    Path p = write("short-images", Arrays.copyOf(raw, raw.length - 5));
    var e = assertThrows(DataException.class, () -> Idx.readImages(p));
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    assertTrue(
        e.getMessage().contains(raw.length + " bytes")
            && e.getMessage().contains((raw.length - 5) + " bytes"),
        e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void truncatedGzipNamesTheFile() throws IOException {
    byte[] gz = Fixtures.gzip(Fixtures.idxUbyte(50, 8, 8));
    Path p = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
    var e = assertThrows(DataException.class, () -> Idx.readImages(p));
    assertTrue(
        e.getMessage().startsWith(p.toString()) && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void notAnIdxFile() throws IOException {
    var e =
        assertThrows(
            DataException.class, () -> Idx.readImages(write("text", "hello world".getBytes())));
    assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    e = assertThrows(DataException.class, () -> Idx.readImages(write("tiny", new byte[] {0, 0})));
    assertTrue(e.getMessage().contains("too short"), e.getMessage());
    e =
        assertThrows(
            DataException.class,
            () -> Idx.readImages(write("labels-as-images", Fixtures.idxLabels(1, 2))));
    assertTrue(e.getMessage().contains("3 dimensions"), e.getMessage());
  }
}
