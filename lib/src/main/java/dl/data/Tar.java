package dl.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small reader for (ustar / GNU) tar streams, enough to take the batch files out of CIFAR-10's
 * archive without an extra dependency. Only regular files are reported; links, folders and extended
 * headers are skipped.
 */
final class Tar {
  private Tar() {}

  /** Called for each regular file; {@code content} holds exactly {@code size} bytes. */
  interface EntryHandler {
    void entry(String path, long size, InputStream content) throws IOException;
  }

  static void read(InputStream in, EntryHandler handler) throws IOException {
    byte[] header = new byte[512];
    String longName = null;
    while (true) {
      if (!readBlock(in, header))
        throw new EOFException("tar: archive ends without its end-of-archive blocks");
      if (isZero(header)) return;
      String name = longName != null ? longName : path(header);
      longName = null;
      long size = size(header);
      char type = (char) header[156];
      Bounded content = new Bounded(in, size);
      if (type == 'L') {
        longName = cString(content.readAllBytes(), 0, (int) size);
      } else if (type == '0' || type == '\0') {
        handler.entry(name, size, content);
      }
      content.skipRest();
      long pad = (512 - size % 512) % 512;
      skipFully(in, pad);
    }
  }

  private static String path(byte[] h) {
    String name = cString(h, 0, 100);
    boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    String prefix = ustar ? cString(h, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static long size(byte[] h) throws IOException {
    if ((h[124] & 0x80) != 0) { // GNU base-256 for sizes of 8 GiB and more
      long v = 0;
      for (int i = 125; i < 136; i++) v = (v << 8) | (h[i] & 0xff);
      return v;
    }
    String octal = cString(h, 124, 12).trim();
    if (octal.isEmpty()) return 0;
    try {
      return Long.parseLong(octal, 8);
    } catch (NumberFormatException e) {
      throw new IOException("tar: bad size field '" + octal + "' (not a tar archive?)");
    }
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && end < b.length && b[end] != 0) end++;
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] b) {
    for (byte v : b) if (v != 0) return false;
    return true;
  }

  /** Reads one 512-byte block; false at a clean end of stream. */
  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int n = in.readNBytes(block, 0, block.length);
    if (n == 0) return false;
    if (n < block.length)
      throw new EOFException("tar: archive ends inside a header (" + n + " of 512 bytes)");
    return true;
  }

  private static void skipFully(InputStream in, long n) throws IOException {
    long left = n;
    byte[] buf = new byte[8192];
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) throw new EOFException("tar: archive ends " + left + " bytes early");
      left -= r;
    }
  }

  /** At most {@code size} bytes of the underlying stream; never closes it. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private long left;

    Bounded(InputStream in, long size) {
      this.in = in;
      this.left = size;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) return -1;
      int b = in.read();
      if (b < 0)
        throw new EOFException("tar: archive ends inside an entry, " + left + " bytes early");
      left--;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) return -1;
      int r = in.read(b, off, (int) Math.min(len, left));
      if (r < 0)
        throw new EOFException("tar: archive ends inside an entry, " + left + " bytes early");
      left -= r;
      return r;
    }

    void skipRest() throws IOException {
      skipFully(in, left);
      left = 0;
    }

    @Override
    public void close() {}
  }
}
