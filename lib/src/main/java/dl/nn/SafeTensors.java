package dl.nn;

import dl.backend.DType;
import dl.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model weights in the safetensors format, which PyTorch's ecosystem reads ({@code
 * safetensors.torch.load_file}): an 8-byte little-endian header length, a JSON header mapping each
 * name to its dtype, shape and byte range, then the raw little-endian data.
 *
 * <pre>{@code
 * SafeTensors.save(model, Path.of("mlp.safetensors"));
 * SafeTensors.load(model, Path.of("mlp.safetensors"));   // checks names, shapes and dtypes
 * }</pre>
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
      throw new IllegalArgumentException("SafeTensors.load " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes named tensors (plus string metadata) to {@code file} atomically. */
  public static void write(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) {
    StringBuilder json = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      json.append("\"__metadata__\":{");
      int i = 0;
      for (var e : metadata.entrySet())
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
    // NOTE: pad the header with spaces to a multiple of 8 so the data that follows is aligned.
    while ((json.length() + 8) % 8 != 0) json.append(' ');
    byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try (var ch = Files.newByteChannel(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ByteBuffer len =
            ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
        ch.write(len);
        ch.write(ByteBuffer.wrap(header));
        for (byte[] b : blobs) ch.write(ByteBuffer.wrap(b));
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("SafeTensors.write " + file + ": " + e.getMessage(), e);
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

  /** Reads every tensor in {@code file}, in header order. F32 and F64 are supported. */
  public static Map<String, Tensor> read(Path file) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("SafeTensors.read " + file + ": " + e.getMessage(), e);
    }
    String where = "SafeTensors.read " + file + ": ";
    if (all.length < 8)
      throw new IllegalArgumentException(
          where + "file has " + all.length + " bytes, too short for a header");
    long headerLength = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength <= 0 || headerLength > all.length - 8) {
      throw new IllegalArgumentException(
          where
              + "header length "
              + headerLength
              + " does not fit a file of "
              + all.length
              + " bytes");
    }
    String json = new String(all, 8, (int) headerLength, StandardCharsets.UTF_8);
    Object parsed = new Json(json, where).value();
    if (!(parsed instanceof Map<?, ?> header))
      throw new IllegalArgumentException(where + "header is not a JSON object");
    int dataStart = 8 + (int) headerLength;
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (var e : header.entrySet()) {
      String name = (String) e.getKey();
      if (name.equals("__metadata__")) continue;
      if (!(e.getValue() instanceof Map<?, ?> info))
        throw new IllegalArgumentException(where + "entry '" + name + "' is not an object");
      String dtype = String.valueOf(info.get("dtype"));
      List<?> shapeList = (List<?>) info.get("shape");
      List<?> offsets = (List<?>) info.get("data_offsets");
      if (shapeList == null || offsets == null || offsets.size() != 2) {
        throw new IllegalArgumentException(
            where + "entry '" + name + "' lacks shape or data_offsets");
      }
      int[] shape = shapeList.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
      long begin = ((Number) offsets.get(0)).longValue(),
          end = ((Number) offsets.get(1)).longValue();
      int width =
          switch (dtype) {
            case "F32" -> 4;
            case "F64" -> 8;
            default ->
                throw new IllegalArgumentException(
                    where
                        + "entry '"
                        + name
                        + "' has dtype "
                        + dtype
                        + "; only F32 and F64 are supported");
          };
      long numel = 1;
      for (int s : shape) numel *= s;
      if (end - begin != numel * width || begin < 0 || dataStart + end > all.length) {
        throw new IllegalArgumentException(
            where
                + "entry '"
                + name
                + "' "
                + java.util.Arrays.toString(shape)
                + " "
                + dtype
                + " needs "
                + numel * width
                + " bytes but its range ["
                + begin
                + ", "
                + end
                + ") does not fit the "
                + (all.length - dataStart)
                + " data bytes");
      }
      ByteBuffer b =
          ByteBuffer.wrap(all, dataStart + (int) begin, (int) (end - begin))
              .order(ByteOrder.LITTLE_ENDIAN);
      if (width == 4) {
        float[] f = new float[(int) numel];
        b.asFloatBuffer().get(f);
        out.put(name, Tensor.fromArray(f, shape));
      } else {
        double[] d = new double[(int) numel];
        b.asDoubleBuffer().get(d);
        out.put(name, Tensor.fromArray(d, shape));
      }
    }
    return out;
  }

  /** The file's {@code __metadata__} strings (empty when it has none). */
  public static Map<String, String> metadata(Path file) {
    try (var ch = Files.newByteChannel(file)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      while (len.hasRemaining() && ch.read(len) >= 0) {}
      long headerLength = len.flip().getLong();
      if (headerLength <= 0 || headerLength > ch.size() - 8) {
        throw new IllegalArgumentException(
            "SafeTensors.metadata "
                + file
                + ": header length "
                + headerLength
                + " does not fit the file");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      while (header.hasRemaining() && ch.read(header) >= 0) {}
      Object parsed =
          new Json(
                  new String(header.array(), StandardCharsets.UTF_8),
                  "SafeTensors.metadata " + file + ": ")
              .value();
      Map<String, String> out = new LinkedHashMap<>();
      if (parsed instanceof Map<?, ?> m && m.get("__metadata__") instanceof Map<?, ?> meta) {
        meta.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("SafeTensors.metadata " + file + ": " + e.getMessage(), e);
    }
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

  /** Just enough JSON for safetensors headers: objects, arrays, strings, numbers, literals. */
  private static final class Json {
    private final String s;
    private final String where;
    private int i;

    Json(String s, String where) {
      this.s = s;
      this.where = where;
    }

    Object value() {
      skip();
      if (i >= s.length()) throw error("unexpected end of header");
      char c = s.charAt(i);
      if (c == '{') return object();
      if (c == '[') return array();
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
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      if (start == i) throw error("unexpected character '" + c + "'");
      String num = s.substring(start, i);
      return num.matches("-?\\d+")
          ? (Object) Long.parseLong(num)
          : (Object) Double.parseDouble(num);
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
        String key = string();
        skip();
        expect(':');
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
      while (i < s.length() && s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\' && i < s.length()) {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'u' -> {
              sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> sb.append(e);
          }
        } else {
          sb.append(c);
        }
      }
      expect('"');
      return sb.toString();
    }

    private char peek() {
      if (i >= s.length()) throw error("unexpected end of header");
      return s.charAt(i);
    }

    private void expect(char c) {
      if (peek() != c)
        throw error("expected '" + c + "' at position " + i + ", found '" + s.charAt(i) + "'");
      i++;
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private IllegalArgumentException error(String message) {
      return new IllegalArgumentException(where + "malformed JSON header: " + message);
    }
  }
}
