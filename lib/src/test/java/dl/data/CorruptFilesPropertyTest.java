package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dl.nn.SafeTensors;
import dl.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: a damaged file (truncated, a flipped byte, a random header) read by the SafeTensors,
 * IDX or CSV reader gives either the right result or the library's own error naming the file; never
 * another exception type, a hang, or a tensor of the wrong shape. Seeded: a failure prints the
 * seed, the case and the corruption so it can be replayed.
 */
class CorruptFilesPropertyTest {
  private static final long SEED = 20261206L;
  private static final int CASES = 120; // per reader

  @TempDir Path dir;

  /** A corruption of {@code b}: a shorter prefix, or one byte changed. Describes itself. */
  private record Corrupted(byte[] bytes, String how, boolean truncated) {}

  private static Corrupted corrupt(byte[] b, Random rnd) {
    if (rnd.nextBoolean()) {
      int len = rnd.nextInt(b.length);
      return new Corrupted(Arrays.copyOf(b, len), "truncated to " + len, true);
    }
    byte[] c = b.clone();
    int at = rnd.nextInt(c.length);
    int xor = 1 + rnd.nextInt(255);
    c[at] ^= (byte) xor;
    return new Corrupted(c, "byte " + at + " ^= " + xor, false);
  }

  /**
   * Runs a read; returns its result, or null after checking the error is ours and names the file.
   */
  private static <T> T readOrClearError(
      String label, Path file, Class<? extends RuntimeException> ours, ThrowingRead<T> read) {
    try {
      return read.run();
    } catch (RuntimeException e) {
      if (!ours.isInstance(e)) {
        throw new AssertionError(label + ": escaped as " + e, e);
      }
      String name = file.getFileName().toString();
      assertTrue(
          e.getMessage() != null && e.getMessage().contains(name),
          label + ": the error does not name the file: " + e.getMessage());
      return null;
    } catch (StackOverflowError | OutOfMemoryError e) {
      throw new AssertionError(label + ": escaped as " + e, e);
    }
  }

  @FunctionalInterface
  private interface ThrowingRead<T> {
    T run();
  }

  // ---------------------------------------------------------------- SafeTensors

  @Test
  void safeTensorsReaderIsRightOrSaysSo() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> safeTensorsCases());
  }

  private void safeTensorsCases() throws IOException {
    Random rnd = new Random(SEED);
    // A few good files (each save is fsynced: slow), each damaged many ways.
    List<Map<String, Tensor>> bases = new ArrayList<>();
    List<byte[]> baseBytes = new ArrayList<>();
    for (int b = 0; b < 8; b++) {
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      int count = 1 + rnd.nextInt(3);
      for (int k = 0; k < count; k++) {
        int[] shape = new int[1 + rnd.nextInt(3)];
        for (int d = 0; d < shape.length; d++) shape[d] = 1 + rnd.nextInt(4);
        Tensor t = Tensor.randn(shape);
        tensors.put("t" + k, rnd.nextBoolean() ? t : t.float64());
      }
      Path good = dir.resolve("good" + b + ".safetensors");
      SafeTensors.write(tensors, Map.of("format", "pt"), good);
      bases.add(tensors);
      baseBytes.add(Files.readAllBytes(good));
    }
    for (int c = 0; c < CASES; c++) {
      Map<String, Tensor> tensors = bases.get(c % bases.size());
      byte[] bytes = baseBytes.get(c % bases.size());
      Corrupted bad;
      if (c % 3 == 2) {
        String json = randomHeader(rnd, 0);
        bad = new Corrupted(withHeader(json, bytes), "header " + json, false);
      } else {
        bad = corrupt(bytes, rnd);
      }
      Path f = Files.write(dir.resolve("case" + c + ".safetensors"), bad.bytes());
      String label = "seed " + SEED + " case " + c + " (" + bad.how() + ")";
      Map<String, Tensor> read =
          readOrClearError(label, f, IllegalArgumentException.class, () -> SafeTensors.read(f));
      if (read == null) continue;
      if (bad.truncated()) fail(label + ": a truncated file was read without an error");
      if (bad.how().startsWith("header")) {
        long bytesUsed = 0;
        for (Tensor t : read.values()) bytesUsed += (long) t.numel() * t.dtype().bytes();
        long dataBytes = bad.bytes().length - 8 - headerLength(bad.bytes());
        assertEquals(dataBytes, bytesUsed, label + ": the tensors do not cover the data");
      } else {
        List<String> expected = new ArrayList<>(), got = new ArrayList<>();
        tensors.values().forEach(t -> expected.add(t.shape() + " " + t.dtype()));
        read.values().forEach(t -> got.add(t.shape() + " " + t.dtype()));
        assertEquals(expected, got, label + ": wrong shapes");
      }
    }
  }

  private static long headerLength(byte[] b) {
    return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** The file with its header JSON replaced (the data bytes stay). */
  private static byte[] withHeader(String json, byte[] file) {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    int dataStart = 8 + (int) headerLength(file);
    ByteBuffer b =
        ByteBuffer.allocate(8 + h.length + file.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(file, dataStart, file.length - dataStart);
    return b.array();
  }

  private static final String[] KEYS = {
    "dtype", "shape", "data_offsets", "__metadata__", "t0", "a"
  };
  private static final String[] ATOMS = {
    "\"F32\"",
    "\"F64\"",
    "\"I32\"",
    "\"X\"",
    "0",
    "4",
    "-1",
    "1.5",
    "4294967297",
    "1e400",
    "99999999999999999999",
    "true",
    "null",
    "\"\\u12\"",
    "\"\\q\"",
    "[0,4]",
    "[65536,65536]",
    "[]",
    "{}"
  };
  private static final String SOUP = "{}[]\",:0123456789-.eEFabc\\u ";

  /** Random JSON-like text: mostly structured (so validation is reached), sometimes token soup. */
  private static String randomHeader(Random rnd, int depth) {
    if (depth == 0 && rnd.nextInt(5) == 0) {
      StringBuilder sb = new StringBuilder();
      for (int i = rnd.nextInt(40); i > 0; i--) sb.append(SOUP.charAt(rnd.nextInt(SOUP.length())));
      return sb.toString();
    }
    if (depth == 0 && rnd.nextInt(10) == 0) return "[".repeat(1 + rnd.nextInt(5000));
    if (depth > 3 || rnd.nextInt(3) == 0) return ATOMS[rnd.nextInt(ATOMS.length)];
    StringBuilder sb = new StringBuilder();
    if (rnd.nextInt(4) == 0) {
      sb.append('[');
      for (int i = rnd.nextInt(4); i > 0; i--) {
        sb.append(randomHeader(rnd, depth + 1)).append(i > 1 ? "," : "");
      }
      return sb.append(']').toString();
    }
    sb.append('{');
    for (int i = rnd.nextInt(4); i > 0; i--) {
      sb.append('"').append(KEYS[rnd.nextInt(KEYS.length)]).append("\":");
      sb.append(randomHeader(rnd, depth + 1)).append(i > 1 ? "," : "");
    }
    return sb.append('}').toString();
  }

  // ---------------------------------------------------------------- IDX

  @Test
  void idxReaderIsRightOrSaysSo() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> idxCases());
  }

  private void idxCases() throws IOException {
    Random rnd = new Random(SEED + 1);
    for (int c = 0; c < CASES; c++) {
      boolean labels = rnd.nextBoolean();
      int n = 1 + rnd.nextInt(5);
      byte[] raw;
      int[] expectedShape;
      if (labels) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rnd.nextInt(10);
        raw = Fixtures.idxLabels(y);
        expectedShape = new int[] {n};
      } else {
        int h = 1 + rnd.nextInt(4), w = 1 + rnd.nextInt(4);
        raw = Fixtures.idxUbyte(n, h, w);
        expectedShape = new int[] {n, 1, h, w};
      }
      boolean gz = rnd.nextBoolean();
      Corrupted bad = corrupt(gz ? Fixtures.gzip(raw) : raw, rnd);
      Path f = Files.write(dir.resolve("case" + c + (gz ? ".gz" : "")), bad.bytes());
      String label =
          "seed " + (SEED + 1) + " case " + c + (gz ? " gzip" : "") + " (" + bad.how() + ")";
      Tensor t =
          readOrClearError(
              label, f, DataException.class, () -> labels ? Idx.readLabels(f) : Idx.readImages(f));
      if (t == null) continue;
      if (bad.truncated()) fail(label + ": a truncated file was read without an error");
      assertArrayEquals(expectedShape, t.shape().toArray(), label + ": wrong shape");
    }
  }

  // ---------------------------------------------------------------- CSV

  @Test
  void csvReaderIsRightOrSaysSo() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> csvCases());
  }

  private void csvCases() throws IOException {
    Random rnd = new Random(SEED + 2);
    for (int c = 0; c < CASES; c++) {
      int features = 1 + rnd.nextInt(3), rows = 2 + rnd.nextInt(5);
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < features; j++) sb.append("f").append(j).append(',');
      sb.append("label\n");
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < features; j++) {
          sb.append(String.format("%.2f", rnd.nextGaussian() * 10)).append(',');
        }
        sb.append(rnd.nextBoolean() ? "cat" : "dog").append('\n');
      }
      Corrupted bad = corrupt(sb.toString().getBytes(StandardCharsets.UTF_8), rnd);
      Path f = Files.write(dir.resolve("case" + c + ".csv"), bad.bytes());
      String label = "seed " + (SEED + 2) + " case " + c + " (" + bad.how() + ")";
      TensorDataset ds =
          readOrClearError(label, f, DataException.class, () -> Tabular.readCsv(f, "label"));
      if (ds == null) continue;
      // A truncated CSV can still be a valid, shorter table; its shape must still be honest.
      assertArrayEquals(new int[] {features}, ds.inputShape(), label + ": wrong feature count");
      assertTrue(ds.size() <= rows, label + ": more rows than were written");
    }
  }
}
