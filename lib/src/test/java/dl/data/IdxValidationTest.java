package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files that cannot be what the caller asked for are errors, never a converted tensor. */
class IdxValidationTest {
  @TempDir Path dir;

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private static byte[] floatLabels(float... values) {
    ByteBuffer b = ByteBuffer.allocate(8 + 4 * values.length);
    b.put(new byte[] {0, 0, 0x0D, 1}).putInt(values.length);
    for (float v : values) b.putFloat(v);
    return b.array();
  }

  @Test
  void readLabelsOnAnImageFileFails() throws IOException {
    Path images = write("images", Fixtures.idxUbyte(3, 4, 4)); // used to give a [3,4,4] tensor
    var e = assertThrows(DataException.class, () -> Idx.readLabels(images));
    assertTrue(e.getMessage().startsWith(images.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("[3,4,4]") && e.getMessage().contains("image file"));
  }

  @Test
  void floatLabelsThatAreNotClassIndicesFail() throws IOException {
    for (float bad : new float[] {Float.NaN, 0.5f, -1f, Float.POSITIVE_INFINITY}) {
      Path f = write("labels", floatLabels(1, bad, 2)); // NaN and 0.5 used to become class 0
      var e = assertThrows(DataException.class, () -> Idx.readLabels(f), "label " + bad);
      assertTrue(e.getMessage().contains("at index 1"), e.getMessage());
    }
    Path images = write("i", Fixtures.idxUbyte(3, 2, 2));
    Path labels = write("nan", floatLabels(0, Float.NaN, 1));
    assertThrows(DataException.class, () -> Idx.read(images, labels, List.of("a", "b")));
  }

  @Test
  void wholeFloatLabelsAreFine() throws IOException {
    assertArrayEquals(
        new float[] {1, 0, 2}, Idx.readLabels(write("ok", floatLabels(1, 0, 2))).toFloatArray());
  }

  @Test
  void aHeaderWhoseCountOverflowsFails() throws IOException {
    // 4 dimensions of 65536: 2⁶⁴ values, which a long count wraps to 0 (the file has 0 data bytes).
    ByteBuffer b = ByteBuffer.allocate(4 + 16);
    b.put(new byte[] {0, 0, 0x08, 4}).putInt(65536).putInt(65536).putInt(65536).putInt(65536);
    Path f = write("huge", b.array());
    var e = assertThrows(DataException.class, () -> Idx.read(f));
    assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("corrupt"));
  }

  @Test
  void aMissingFileSaysNoSuchFile() {
    Path f = dir.resolve("nope");
    var e = assertThrows(DataException.class, () -> Idx.read(f));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }
}
