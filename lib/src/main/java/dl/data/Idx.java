package dl.data;

import dl.Check;
import dl.backend.View;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST, gzipped or raw (detected from the content,
 * not the file name). An IDX file is a 4-byte magic (0, 0, type, number of dimensions), the
 * dimensions as big-endian int32, then the values in row-major order.
 *
 * <pre>{@code
 * jshell> Idx.readImages(Path.of("data/mnist/t10k-images-idx3-ubyte")).shape()
 * $1 ==> [10000,1,28,28]
 * }</pre>
 */
public final class Idx {
  private Idx() {}

  /** IDX type codes and the size of one value in bytes. */
  static final int UBYTE = 0x08, BYTE = 0x09, SHORT = 0x0B, INT = 0x0C, FLOAT = 0x0D, DOUBLE = 0x0E;

  /** Unsigned byte v ↦ v / 255 as a table, so converting 47 million pixels is one lookup each. */
  private static final float[] UNIT = new float[256];

  static {
    for (int v = 0; v < 256; v++) UNIT[v] = v / 255f;
  }

  /** An IDX array as parsed: type code, dimensions, and the raw big-endian values. */
  record Array(String source, int type, int[] dims, byte[] content, int dataOffset) {
    int count() {
      return dims.length == 0 ? 0 : dims[0];
    }
  }

  /**
   * Images [N, H, W] (or [N, C, H, W]) of unsigned bytes as floats in [0, 1]. Shape: [N, 1, H, W].
   */
  public static Tensor readImages(Path file) {
    Array a = parse(readContent(file), file.toString());
    return Tensor.fromArray(images(a), imageShape(a));
  }

  /**
   * Labels [N] as float32 class indices: a 1-D file of whole numbers &gt;= 0. Anything else (an
   * image file, a label of NaN or 0.5) is an error naming the file, not a silently converted
   * tensor.
   */
  public static Tensor readLabels(Path file) {
    Array a = parse(readContent(file), file.toString());
    checkLabelRank(a);
    return Tensor.fromArray(labels(a), a.dims()[0]);
  }

  private static void checkLabelRank(Array a) {
    if (a.dims().length != 1) {
      throw new DataException(
          Check.message(
              a.source(),
              "a label file has 1 dimension [N], this one has %s%s",
              Shape.of(a.dims()),
              (a.type() == UBYTE && a.dims().length >= 3 ? " (is it an image file?)" : "")));
    }
  }

  /** The values of a label file, each checked to be a class index (a whole number &gt;= 0). */
  private static float[] labels(Array a) {
    float[] y = values(a);
    for (int i = 0; i < y.length; i++) {
      if (!(y[i] >= 0) || y[i] != Math.rint(y[i]) || Float.isInfinite(y[i])) {
        throw new DataException(
            Check.message(
                a.source(),
                "label %s at index %s is not a class index (a whole number >= 0)",
                y[i],
                i));
      }
    }
    return y;
  }

  /** Any IDX file as a float32 tensor of its own shape, values unscaled. */
  public static Tensor read(Path file) {
    Array a = parse(readContent(file), file.toString());
    return Tensor.fromArray(values(a), a.dims());
  }

  /** An image file and its label file as one dataset: x [N, 1, H, W] in [0, 1], y [N]. */
  public static TensorDataset read(Path images, Path labels, List<String> classNames) {
    return dataset(
        parse(readContent(images), images.toString()),
        parse(readContent(labels), labels.toString()),
        classNames);
  }

  static TensorDataset dataset(Array images, Array labels, List<String> classNames) {
    checkLabelRank(labels);
    if (images.count() != labels.count()) {
      throw new DataException(
          String.format(
              Locale.ROOT,
              "%s has %d images but %s has %d labels",
              images.source(),
              images.count(),
              labels.source(),
              labels.count()));
    }
    int[] shape = imageShape(images);
    float[] y = labels(labels);
    if (!classNames.isEmpty()) {
      for (int i = 0; i < y.length; i++) {
        if (y[i] < 0 || y[i] >= classNames.size()) {
          throw new DataException(
              Check.message(
                  labels.source(),
                  "label %s at index %s is not in [0, %s)",
                  (int) y[i],
                  i,
                  classNames.size()));
        }
      }
    }
    return new TensorDataset(
        images(images), Arrays.copyOfRange(shape, 1, shape.length), y, new int[0], classNames);
  }

  /** The whole file's content, decompressed when it starts with the gzip magic bytes. */
  static byte[] readContent(Path file) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DataException(file + ": cannot read (" + dl.io.SafeFiles.reason(e) + ")", e);
    }
    return isGzip(raw) ? gunzip(raw, file.toString()) : raw;
  }

  static boolean isGzip(byte[] b) {
    return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
  }

  static byte[] gunzip(byte[] gz, String source) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, gz.length * 4));
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 1 << 16)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new DataException(
          Check.message(
              source,
              "gzip data is corrupt or ends early after %s decompressed bytes (%s): the file is truncated or damaged",
              out.size(),
              e.getMessage()),
          e);
    }
    return out.toByteArray();
  }

  /** Parses and checks the header against the content length. */
  static Array parse(byte[] content, String source) {
    if (content.length < 4)
      throw new DataException(
          Check.message(source, "%s bytes, too short for an IDX header", content.length));
    int type = content[2] & 0xff, rank = content[3] & 0xff;
    int size = typeSize(type);
    if (content[0] != 0 || content[1] != 0 || size == 0 || rank == 0) {
      throw new DataException(
          Check.message(
              source,
              "not an IDX file (magic bytes %s, expected 00 00 <type 08..0e> <dimensions>)",
              String.format(
                  "%02x %02x %02x %02x", content[0], content[1], content[2], content[3])));
    }
    int header = 4 + 4 * rank;
    if (content.length < header)
      throw new DataException(
          Check.message(
              source,
              "%s bytes, too short for an IDX header of %s dimensions",
              content.length,
              rank));
    ByteBuffer bb = ByteBuffer.wrap(content);
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = bb.getInt(4 + 4 * i);
      if (dims[i] < 0)
        throw new DataException(source + ": negative dimension " + dims[i] + " in the IDX header");
    }
    int count;
    try {
      count = View.checkedNumel("IDX header", dims);
    } catch (IllegalArgumentException tooMany) {
      throw new DataException(source + ": " + tooMany.getMessage() + "; the header is corrupt");
    }
    long expected = header + (long) count * size;
    if (content.length != expected) {
      throw new DataException(
          Check.message(
              source,
              "the IDX header says %s values of %s byte(s), so %s bytes, but the content has %s bytes (%s)",
              Shape.of(dims),
              size,
              expected,
              content.length,
              (content.length < expected ? "truncated" : "extra data")));
    }
    return new Array(source, type, dims, content, header);
  }

  private static int typeSize(int type) {
    return switch (type) {
      case UBYTE, BYTE -> 1;
      case SHORT -> 2;
      case INT, FLOAT -> 4;
      case DOUBLE -> 8;
      default -> 0;
    };
  }

  private static int[] imageShape(Array a) {
    int[] d = a.dims();
    if (a.type() != UBYTE)
      throw new DataException(
          Check.message(
              a.source(),
              "images must be unsigned bytes (type 0x08), got type 0x%s",
              Integer.toHexString(a.type())));
    if (d.length == 3) return new int[] {d[0], 1, d[1], d[2]};
    if (d.length == 4) return d.clone();
    throw new DataException(
        Check.message(
            a.source(), "images need 3 dimensions [N, H, W] (or 4), got %s", Shape.of(d)));
  }

  /** Unsigned bytes scaled to [0, 1]. */
  private static float[] images(Array a) {
    byte[] c = a.content();
    float[] out = new float[c.length - a.dataOffset()];
    for (int i = 0, j = a.dataOffset(); i < out.length; i++, j++) out[i] = UNIT[c[j] & 0xff];
    return out;
  }

  /** Values as floats, unscaled. */
  private static float[] values(Array a) {
    byte[] c = a.content();
    int off = a.dataOffset();
    ByteBuffer bb = ByteBuffer.wrap(c); // big-endian, as IDX stores them
    int n = (c.length - off) / typeSize(a.type());
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (a.type()) {
            case UBYTE -> c[off + i] & 0xff;
            case BYTE -> c[off + i];
            case SHORT -> bb.getShort(off + 2 * i);
            case INT -> bb.getInt(off + 4 * i);
            case FLOAT -> bb.getFloat(off + 4 * i);
            default -> (float) bb.getDouble(off + 8 * i);
          };
    }
    return out;
  }
}
