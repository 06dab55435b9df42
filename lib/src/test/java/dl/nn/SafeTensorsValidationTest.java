package dl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Headers that cannot be right are refused as the format's reference implementation refuses them,
 * with one {@link IllegalArgumentException} naming the file and the entry.
 */
class SafeTensorsValidationTest {
  @TempDir Path dir;

  /** A file with the given header JSON followed by {@code dataBytes} zero bytes. */
  private Path file(String json, int dataBytes) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    return Files.write(dir.resolve("m.safetensors"), b.array());
  }

  private IllegalArgumentException refused(String json, int dataBytes) throws IOException {
    Path f = file(json, dataBytes);
    var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(f));
    assertTrue(e.getMessage().startsWith("SafeTensors.read " + f + ": "), e.getMessage());
    return e;
  }

  @Test
  void aShapeSizePastIntIsRefusedNotWrapped() throws IOException {
    // 4294967297 = 2³² + 1 used to load as [1].
    var e = refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967297],\"data_offsets\":[0,4]}}", 4);
    assertTrue(e.getMessage().contains("entry 'w'"), e.getMessage());
  }

  @Test
  void aHugeShapeWithNoBytesIsRefused() throws IOException {
    var e =
        refused(
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,0]}}",
            0);
    assertTrue(e.getMessage().contains("entry 'w'"), e.getMessage());
  }

  @Test
  void twoEntriesOnTheSameBytesAreRefused() throws IOException {
    var e =
        refused(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            4);
    assertTrue(e.getMessage().contains("overlap"), e.getMessage());
  }

  @Test
  void gapsAndTrailingBytesAreRefused() throws IOException {
    var gap = refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
    assertTrue(gap.getMessage().contains("belong to no tensor"), gap.getMessage());
    var extra = refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8);
    assertTrue(extra.getMessage().contains("extra bytes"), extra.getMessage());
    var truncated = refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4);
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
  }

  @Test
  void shapeTimesDtypeSizeMustEqualTheRange() throws IOException {
    var e = refused("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
    assertTrue(e.getMessage().contains("needs 8 bytes"), e.getMessage());
  }

  @Test
  void unknownAndUnsupportedDtypesAreNamed() throws IOException {
    var unknown = refused("{\"a\":{\"dtype\":\"F31\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
    assertTrue(unknown.getMessage().contains("unknown dtype 'F31'"), unknown.getMessage());
    var unsupported =
        refused("{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
    assertTrue(unsupported.getMessage().contains("only F32 and F64"), unsupported.getMessage());
  }

  /**
   * Headers that used to escape as ClassCast, NumberFormat, StringIndexOutOfBounds, StackOverflow.
   */
  static Stream<String> malformedHeaders() {
    return Stream.of(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":\"4\",\"data_offsets\":[0,4]}}", // ClassCast
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", // ClassCast
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4e]}}", // NumberFormat
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[-],\"data_offsets\":[0,4]}}",
        "{\"a\\u12", // StringIndexOutOfBounds
        "{\"a\\uZZZZ\":1}",
        "[".repeat(100_000), // StackOverflowError
        "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}",
        "{\"a\":1} trailing",
        "{\"__metadata__\":{\"k\":1}}",
        "{\"__metadata__\":[]}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        "[1,2]",
        "{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}",
        "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}",
        "{\"a\":null}");
  }

  @ParameterizedTest
  @MethodSource("malformedHeaders")
  void malformedHeaderJsonIsOneClearError(String json) throws IOException {
    refused(json, 4);
  }

  @Test
  void aMissingFileSaysWhy() {
    Path f = dir.resolve("nope.st");
    var e = assertThrows(UncheckedIOException.class, () -> SafeTensors.read(f));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void aValidFileStillLoads() throws IOException {
    Path f = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}  ", 4);
    assertArrayEquals(new int[] {1}, SafeTensors.read(f).get("a").shape().toArray());
    Path empty = file("{\"e\":{\"dtype\":\"F64\",\"shape\":[0,3],\"data_offsets\":[0,0]}}", 0);
    assertEquals(0, SafeTensors.read(empty).get("e").numel());
  }

  // ---------------------------------------------------------------- writing

  private static Map<String, Tensor> twoTensors() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("w", Tensor.of(1, 2, 3));
    m.put("b", Tensor.of(4));
    return m;
  }

  @Test
  void theSameTensorsAndMetadataGiveTheSameBytes() throws IOException {
    // Two maps with the same metadata in different iteration orders.
    Map<String, String> m1 = new LinkedHashMap<>(), m2 = new LinkedHashMap<>();
    m1.put("format", "pt");
    m1.put("producer", "dl-course");
    m2.put("producer", "dl-course");
    m2.put("format", "pt");
    Path a = dir.resolve("a.st"), b = dir.resolve("b.st");
    SafeTensors.write(twoTensors(), m1, a);
    SafeTensors.write(twoTensors(), m2, b);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertEquals(Map.of("format", "pt", "producer", "dl-course"), SafeTensors.metadata(a));
  }

  @Test
  void aNonAsciiNameKeepsTheDataAligned() throws IOException {
    Map<String, Tensor> m = Map.of("gewicht_ä", Tensor.of(1, 2));
    Path f = dir.resolve("u.st");
    SafeTensors.write(m, Map.of(), f);
    long headerLength =
        ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, headerLength % 8);
    assertArrayEquals(new float[] {1, 2}, SafeTensors.read(f).get("gewicht_ä").toFloatArray());
  }

  @Test
  void saveKeepsPermissionsFollowsLinksAndCleansStaleTemporaries() throws IOException {
    Path real = dir.resolve("real.st");
    SafeTensors.write(twoTensors(), Map.of(), real);
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("link.st"), real.getFileName());
    // A temporary left by a save that was killed (pid 2147483647 does not run).
    Path stale = Files.writeString(dir.resolve(".real.st.2147483647.abc123.dl-tmp"), "half");
    Path notOurs = Files.writeString(dir.resolve(".real.st.backup"), "keep");
    SafeTensors.write(Map.of("x", Tensor.of(9)), Map.of(), link);
    assertTrue(Files.isSymbolicLink(link), "the link stays a link");
    assertArrayEquals(new float[] {9}, SafeTensors.read(real).get("x").toFloatArray());
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
    assertFalse(Files.exists(stale), "the stale temporary is cleaned up");
    assertTrue(Files.exists(notOurs), "a file that only looks similar is left alone");
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.toString().endsWith(".dl-tmp")));
    }
  }

  @Test
  void aNewFileGetsTheUmasksPermissionsNotAPrivateCopy() throws IOException {
    Path reference = Files.createFile(dir.resolve("plain")); // what the umask gives a new file
    Path f = dir.resolve("new.st");
    SafeTensors.write(twoTensors(), Map.of(), f);
    assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(f));
  }
}
