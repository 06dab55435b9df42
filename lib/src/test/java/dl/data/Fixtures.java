package dl.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Small data files built byte by byte, independently of the readers under test. */
final class Fixtures {
  private Fixtures() {}

  /** An IDX file of unsigned bytes with the given dimensions; value i is (i · 7 + 3) mod 256. */
  static byte[] idxUbyte(int... dims) {
    int n = 1;
    for (int d : dims) n *= d;
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + n); // big-endian by default
    b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
    for (int d : dims) b.putInt(d);
    for (int i = 0; i < n; i++) b.put((byte) ((i * 7 + 3) % 256));
    return b.array();
  }

  /** An IDX label file holding {@code labels}. */
  static byte[] idxLabels(int... labels) {
    ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
    b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) 1).putInt(labels.length);
    for (int v : labels) b.put((byte) v);
    return b.array();
  }

  static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * {@code records} CIFAR-10 records; record r has label (r + first) mod 10 and pixel p = (r + p)
   * mod 256.
   */
  static byte[] cifarBatch(int records, int first) {
    byte[] b = new byte[records * 3073];
    for (int r = 0; r < records; r++) {
      b[r * 3073] = (byte) ((r + first) % 10);
      for (int p = 0; p < 3072; p++) b[r * 3073 + 1 + p] = (byte) ((r + p) % 256);
    }
    return b;
  }

  /** A tar archive (ustar) of regular files; a name over 100 bytes gets a GNU long-name entry. */
  static byte[] tar(String[] names, byte[][] contents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < names.length; i++) {
      byte[] name = names[i].getBytes(StandardCharsets.UTF_8);
      if (name.length > 100) {
        out.writeBytes(header("././@LongLink", name.length + 1, 'L'));
        out.writeBytes(Arrays.copyOf(name, padded(name.length + 1)));
      }
      out.writeBytes(header(names[i], contents[i].length, '0'));
      out.writeBytes(Arrays.copyOf(contents[i], padded(contents[i].length)));
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** A tar entry for a folder, which readers must skip. */
  static byte[] tarDir(String name) {
    return header(name, 0, '5');
  }

  private static int padded(int n) {
    return (n + 511) / 512 * 512;
  }

  private static byte[] header(String name, long size, char type) {
    byte[] h = new byte[512];
    byte[] nb = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(nb, 0, h, 0, Math.min(100, nb.length));
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, String.format("%011o", 0));
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte v : h) sum += v & 0xff;
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }
}
