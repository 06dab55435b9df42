package dl.nn;

import dl.Check;
import dl.DType;
import dl.backend.View;
import dl.io.SafeFiles;
import dl.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Model weights in the safetensors format, which PyTorch's ecosystem reads ({@code
 * safetensors.torch.load_file}): an 8-byte little-endian header length, a JSON header mapping each
 * name to its dtype, shape and byte range, then the raw little-endian data.
 *
 * <pre>{@code
 * SafeTensors.save(model, Path.of("mlp.safetensors"));
 * SafeTensors.load(model, Path.of("mlp.safetensors"));   // checks names, shapes and dtypes
 * }</pre>
 *
 * <p>Reading validates the header as the format's reference implementation does, so a damaged or
 * hand-made file is an {@link IllegalArgumentException} naming the file and the entry, never a
 * tensor of the wrong shape: the header is at most 100 MB of UTF-8 JSON nested at most 64 deep;
 * every dtype is a safetensors dtype; shape × dtype size equals the entry's byte range; the ranges,
 * sorted, follow each other without gaps or overlaps and cover the data exactly. Writing is atomic
 * ({@link SafeFiles#writeAtomically}) and deterministic: the same tensors and metadata give the
 * same bytes (metadata in sorted key order, tensors in the map's order).
 */
public final class SafeTensors {
  private SafeTensors() {}

  /** Writes the module's state dict atomically (a crash never leaves a half-written file). */
  public static void save(Module module, Path file) {
    write(module.stateDict(), Map.of("format", "pt", "producer", "dl-course"), file);
  }

  /** Loads weights into {@code module}; names, shapes and dtypes must match exactly. */
  public static void load(Module module, Path file) {
    try {
      module.loadStateDict(read(file));
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("SafeTensors.read")) throw e;
      throw new IllegalArgumentException("SafeTensors.load " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes named tensors (plus string metadata) to {@code file} atomically. The bytes depend only
   * on the arguments: metadata is written in sorted key order, tensors in the map's order.
   */
  public static void write(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) {
    StringBuilder json = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      json.append("\"__metadata__\":{");
      int i = 0;
      for (var e : new TreeMap<>(metadata).entrySet())
        json.append(i++ == 0 ? "" : ",")
            .append(quote(e.getKey()))
            .append(':')
            .append(quote(e.getValue()));
      json.append('}');
    }
    long offset = 0;
    List<byte[]> blobs = new ArrayList<>();
    for (var e : tensors.entrySet()) {
      Tensor t = e.getValue();
      byte[] data = bytes(t);
      blobs.add(data);
      json.append(json.length() > 1 ? "," : "")
          .append(quote(e.getKey()))
          .append(":{\"dtype\":\"")
          .append(t.dtype() == DType.FLOAT32 ? "F32" : "F64")
          .append("\",\"shape\":[");
      int[] shape = t.shape().toArray();
      for (int k = 0; k < shape.length; k++) json.append(k == 0 ? "" : ",").append(shape[k]);
      json.append("],\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + data.length)
          .append("]}");
      offset += data.length;
    }
    json.append('}');
    byte[] unpadded = json.toString().getBytes(StandardCharsets.UTF_8);
    // NOTE: pad the header (in bytes, not chars: names may be non-ASCII) with spaces to a multiple
    // of 8 so the data that follows is aligned.
    byte[] header = Arrays.copyOf(unpadded, (unpadded.length + 7) / 8 * 8);
    Arrays.fill(header, unpadded.length, header.length, (byte) ' ');
    try {
      SafeFiles.writeAtomically(
          file,
          out -> {
            out.write(
                ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(header.length)
                    .array());
            out.write(header);
            for (byte[] b : blobs) out.write(b);
          });
    } catch (IOException e) {
      throw new UncheckedIOException("SafeTensors.write " + file + ": " + SafeFiles.reason(e), e);
    }
  }

  private static byte[] bytes(Tensor t) {
    if (t.dtype() == DType.FLOAT32) {
      float[] f = t.toFloatArray();
      ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(f);
      return b.array();
    }
    double[] d = t.toDoubleArray();
    ByteBuffer b = ByteBuffer.allocate(d.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(d);
    return b.array();
  }

  /** The reference implementation's limit on the header's size. */
  static final long MAX_HEADER_BYTES = 100_000_000;

  /** How deep JSON may nest in a header (a real header nests 3 deep). */
  static final int MAX_NESTING = 64;

  /** Every dtype of the safetensors format and its size in bytes; this library loads F32, F64. */
  private static final Map<String, Integer> DTYPE_BYTES =
      Map.ofEntries(
          Map.entry("BOOL", 1),
          Map.entry("U8", 1),
          Map.entry("I8", 1),
          Map.entry("F8_E5M2", 1),
          Map.entry("F8_E4M3", 1),
          Map.entry("I16", 2),
          Map.entry("U16", 2),
          Map.entry("F16", 2),
          Map.entry("BF16", 2),
          Map.entry("I32", 4),
          Map.entry("U32", 4),
          Map.entry("F32", 4),
          Map.entry("F64", 8),
          Map.entry("I64", 8),
          Map.entry("U64", 8));

  /** One header entry, checked: where its bytes are. */
  private record Entry(String name, String dtype, int[] shape, long begin, long end) {}

  /** Reads every tensor in {@code file}, in header order. F32 and F64 are supported. */
  public static Map<String, Tensor> read(Path file) {
    String where = "SafeTensors.read " + file;
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(Check.message(where, SafeFiles.reason(e)), e);
    }
    Map<String, Object> header = parseHeader(all, all.length, where);
    long dataStart = 8 + headerLength(all, all.length, where);
    List<Entry> entries = entries(header, all.length - dataStart, where);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (!e.dtype().equals("F32") && !e.dtype().equals("F64")) {
        throw Check.badArgument(
            where, "entry '%s' has dtype %s; only F32 and F64 are supported", e.name(), e.dtype());
      }
      int numel = (int) ((e.end() - e.begin()) / DTYPE_BYTES.get(e.dtype()));
      ByteBuffer b =
          ByteBuffer.wrap(all, (int) (dataStart + e.begin()), (int) (e.end() - e.begin()))
              .order(ByteOrder.LITTLE_ENDIAN);
      if (e.dtype().equals("F32")) {
        float[] f = new float[numel];
        b.asFloatBuffer().get(f);
        out.put(e.name(), Tensor.fromArray(f, e.shape()));
      } else {
        double[] d = new double[numel];
        b.asDoubleBuffer().get(d);
        out.put(e.name(), Tensor.fromArray(d, e.shape()));
      }
    }
    return out;
  }

  /** The file's {@code __metadata__} strings (empty when it has none). */
  public static Map<String, String> metadata(Path file) {
    String where = "SafeTensors.metadata " + file;
    try (var ch = Files.newByteChannel(file)) {
      long size = ch.size();
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      while (len.hasRemaining() && ch.read(len) >= 0) {}
      long headerLength = headerLength(len.array(), size, where);
      ByteBuffer bytes = ByteBuffer.allocate(8 + (int) headerLength);
      bytes.put(len.array());
      while (bytes.hasRemaining() && ch.read(bytes) >= 0) {}
      Map<String, Object> header = parseHeader(bytes.array(), size, where);
      Map<String, String> out = new LinkedHashMap<>();
      if (header.get("__metadata__") instanceof Map<?, ?> meta) {
        meta.forEach((k, v) -> out.put((String) k, (String) v)); // checked by parseHeader
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(Check.message(where, SafeFiles.reason(e)), e);
    }
  }

  /** The 8-byte little-endian header length, checked against the file's size. */
  private static long headerLength(byte[] start, long fileSize, String where) {
    if (fileSize < 8)
      throw Check.badArgument(where, "file has %d bytes, too short for a header", fileSize);
    long n = ByteBuffer.wrap(start, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n <= 0 || n > fileSize - 8 || n > MAX_HEADER_BYTES) {
      String limit = n > MAX_HEADER_BYTES ? " (at most " + MAX_HEADER_BYTES + " allowed)" : "";
      throw Check.badArgument(
          where,
          "header length %s does not fit a file of %d bytes%s; is this a safetensors file?",
          Long.toUnsignedString(n),
          fileSize,
          limit);
    }
    return n;
  }

  /** The header as a JSON object, with {@code __metadata__} (if any) checked to hold strings. */
  private static Map<String, Object> parseHeader(byte[] bytes, long fileSize, String where) {
    long n = headerLength(bytes, fileSize, where);
    String json;
    try {
      json =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 8, (int) n))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(Check.message(where, "header is not valid UTF-8"), e);
    }
    Json parser = new Json(json, where);
    Object parsed = parser.document();
    if (!(parsed instanceof Map<?, ?>))
      throw Check.badArgument(where, "header is not a JSON object");
    @SuppressWarnings("unchecked")
    Map<String, Object> header = (Map<String, Object>) parsed;
    Object meta = header.get("__metadata__");
    if (meta != null) {
      if (!(meta instanceof Map<?, ?> m))
        throw Check.badArgument(where, "__metadata__ is not an object of strings");
      for (var e : m.entrySet()) {
        if (!(e.getValue() instanceof String))
          throw Check.badArgument(
              where, "__metadata__ entry '%s' is not a string: %s", e.getKey(), e.getValue());
      }
    }
    return header;
  }

  /**
   * The tensor entries, each checked alone (dtype, shape, range size), then together: sorted by
   * offset, each range starts where the previous ended and the last ends at the end of the data.
   */
  private static List<Entry> entries(Map<String, Object> header, long dataBytes, String where) {
    List<Entry> entries = new ArrayList<>();
    for (var e : header.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) continue;
      String at = where + ": entry '" + name + "'";
      if (!(e.getValue() instanceof Map<?, ?> info))
        throw Check.badArgument(at, "is not an object");
      if (!(info.get("dtype") instanceof String dtype))
        throw Check.badArgument(at, "dtype is missing or not a string");
      Integer width = DTYPE_BYTES.get(dtype);
      if (width == null)
        throw Check.badArgument(
            at,
            "unknown dtype '%s' (safetensors knows %s)",
            dtype,
            new TreeMap<>(DTYPE_BYTES).keySet());
      int[] shape = shape(info.get("shape"), at);
      if (!(info.get("data_offsets") instanceof List<?> offsets)
          || offsets.size() != 2
          || !(offsets.get(0) instanceof Long begin)
          || !(offsets.get(1) instanceof Long end)) {
        throw Check.badArgument(
            at,
            "data_offsets must be two whole numbers [begin, end], got %s",
            info.get("data_offsets"));
      }
      int numel;
      try {
        numel = View.checkedNumel("shape", shape);
      } catch (IllegalArgumentException tooMany) {
        throw new IllegalArgumentException(Check.message(at, tooMany.getMessage()), tooMany);
      }
      long needed = (long) numel * width; // < 2^31 · 8: cannot overflow
      if (begin < 0 || end < begin || end - begin != needed) {
        throw Check.badArgument(
            at,
            "%s %s needs %d bytes but its range is [%d, %d)",
            Arrays.toString(shape),
            dtype,
            needed,
            begin,
            end);
      }
      entries.add(new Entry(name, dtype, shape, begin, end));
    }
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    Entry previous = null;
    for (Entry e : sorted) {
      if (e.begin() != expected) {
        String before =
            previous == null
                ? "the data starts at 0"
                : "entry '" + previous.name() + "' ends at " + expected;
        String why =
            e.begin() < expected
                ? "their byte ranges overlap"
                : "the bytes between belong to no tensor";
        throw Check.badArgument(
            where, "entry '%s' starts at byte %d but %s: %s", e.name(), e.begin(), before, why);
      }
      expected = e.end();
      previous = e;
    }
    if (expected > dataBytes) {
      throw Check.badArgument(
          where,
          "the tensors need %d data bytes, which does not fit the %d the file has (the file is truncated)",
          expected,
          dataBytes);
    }
    if (expected < dataBytes) {
      throw Check.badArgument(
          where,
          "the tensors cover %d data bytes but the file has %d (extra bytes at the end)",
          expected,
          dataBytes);
    }
    return entries;
  }

  private static int[] shape(Object value, String at) {
    if (!(value instanceof List<?> list))
      throw Check.badArgument(at, "shape is missing or not a list, got %s", value);
    int[] shape = new int[list.size()];
    for (int k = 0; k < shape.length; k++) {
      if (!(list.get(k) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw Check.badArgument(
            at, "shape %s: size %d is not a whole number in [0, %d]", list, k, Integer.MAX_VALUE);
      }
      shape[k] = (int) (long) d;
    }
    return shape;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Strict JSON (RFC 8259) for safetensors headers: objects, arrays, strings, numbers, literals.
   * Every malformation, a duplicate key and nesting deeper than {@link #MAX_NESTING} is an {@link
   * IllegalArgumentException} naming the file and the position; nothing else escapes.
   */
  private static final class Json {
    private final String s;
    private final String where;
    private int i;
    private int depth;

    Json(String s, String where) {
      this.s = s;
      this.where = where;
    }

    /** One value, then only whitespace (the writer pads the header with spaces). */
    Object document() {
      Object v = value();
      skip();
      if (i < s.length()) throw error("unexpected '" + s.charAt(i) + "' after the header object");
      return v;
    }

    Object value() {
      skip();
      char c = peek();
      if (c == '{' || c == '[') {
        if (++depth > MAX_NESTING) throw error("nested more than " + MAX_NESTING + " levels deep");
        Object v = c == '{' ? object() : array();
        depth--;
        return v;
      }
      if (c == '"') return string();
      if (s.startsWith("true", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("false", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      if (s.startsWith("null", i)) {
        i += 4;
        return null;
      }
      return number();
    }

    private static final java.util.regex.Pattern NUMBER =
        java.util.regex.Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");

    private Object number() {
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      String num = s.substring(start, i);
      if (num.isEmpty()) throw error("unexpected character '" + s.charAt(start) + "'", start);
      if (!NUMBER.matcher(num).matches()) throw error("malformed number '" + num + "'", start);
      if (num.indexOf('.') < 0 && num.indexOf('e') < 0 && num.indexOf('E') < 0) {
        try {
          return Long.parseLong(num);
        } catch (NumberFormatException tooBig) {
          throw error("integer " + num + " is out of range", start);
        }
      }
      return Double.parseDouble(num); // matches the pattern, so it parses
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      i++;
      skip();
      if (peek() == '}') {
        i++;
        return m;
      }
      while (true) {
        skip();
        int keyAt = i;
        String key = string();
        skip();
        expect(':');
        if (m.containsKey(key)) throw error("duplicate key '" + key + "'", keyAt);
        m.put(key, value());
        skip();
        if (peek() == ',') {
          i++;
          continue;
        }
        expect('}');
        return m;
      }
    }

    private List<Object> array() {
      List<Object> a = new ArrayList<>();
      i++;
      skip();
      if (peek() == ']') {
        i++;
        return a;
      }
      while (true) {
        a.add(value());
        skip();
        if (peek() == ',') {
          i++;
          continue;
        }
        expect(']');
        return a;
      }
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = peek();
        i++;
        if (c == '"') return sb.toString();
        if (c < 0x20) throw error("control character in a string", i - 1);
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = peek();
        i++;
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) throw error("unexpected end of header in \\u escape");
            int code = 0;
            for (int k = 0; k < 4; k++) {
              int digit = Character.digit(s.charAt(i + k), 16);
              if (digit < 0) throw error("bad \\u escape '" + s.substring(i, i + 4) + "'", i);
              code = code * 16 + digit;
            }
            sb.append((char) code);
            i += 4;
          }
          default -> throw error("bad escape '\\" + e + "'", i - 1);
        }
      }
    }

    private char peek() {
      if (i >= s.length()) throw error("unexpected end of header");
      return s.charAt(i);
    }

    private void expect(char c) {
      if (peek() != c) throw error("expected '" + c + "', found '" + s.charAt(i) + "'");
      i++;
    }

    private void skip() {
      while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) i++;
    }

    private IllegalArgumentException error(String message) {
      return error(message, i);
    }

    private IllegalArgumentException error(String message, int at) {
      return Check.badArgument(where, "malformed JSON header at character %d: %s", at, message);
    }
  }
}
