package dl.data;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * The network side of {@link DataStore}: GETs a URL into a file or stream, decompressing and
 * hashing on the way, and says how far a broken download got. What is fetched, from which mirror,
 * and whether it is right are {@link DataStore}'s business.
 */
final class Downloader {
  private final Duration timeout;
  private HttpClient client;

  /** {@code timeout}: for connecting and for each read. */
  Downloader(Duration timeout) {
    this.timeout = timeout;
  }

  private HttpClient client() {
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .connectTimeout(timeout)
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
    }
    return client;
  }

  /**
   * GETs {@code uri} into {@code out}, decompressing gzip if {@code gunzip} and the body starts
   * with its magic; returns the digest of what was written and sets size[0] to its length.
   */
  String fetch(URI uri, Path out, String algorithm, long[] size, boolean gunzip)
      throws IOException {
    try (OutputStream os = Files.newOutputStream(out)) {
      return fetch(uri, os, algorithm, size, gunzip);
    }
  }

  String fetch(URI uri, OutputStream os, String algorithm, long[] size, boolean gunzip)
      throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) throw new IOException("HTTP " + response.statusCode());
      Counting wire = new Counting(body);
      InputStream in = new BufferedInputStream(wire, 1 << 16);
      if (gunzip) {
        in.mark(2);
        boolean gz = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        if (gz) in = new GZIPInputStream(in, 1 << 16);
      }
      MessageDigest md = DataStore.messageDigest(algorithm);
      try (DigestInputStream din = new DigestInputStream(in, md)) {
        size[0] = din.transferTo(os);
      } catch (IOException e) {
        String what =
            length >= 0 && wire.count >= length
                ? "all "
                    + length
                    + " bytes arrived but they do not decompress (truncated or corrupt file on the server)"
                : "the download broke off after "
                    + wire.count
                    + (length >= 0 ? " of " + length : "")
                    + " bytes";
        throw new IOException(what + " (" + describe(e) + ")", e);
      }
      return HexFormat.of().formatHex(md.digest());
    }
  }

  /** Counts the bytes read through it, to say how far a broken download got. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) count++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }
  }

  /**
   * The exception's message, or its type and its causes' when it has none (Java's ConnectException
   * says nothing).
   */
  static String describe(Throwable e) {
    if (e instanceof DataException) return e.getMessage();
    if (e instanceof java.nio.file.FileSystemException fs) return dl.io.SafeFiles.reason(fs);
    StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
    String last = sb.toString();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String name = t.getClass().getSimpleName();
      if (!name.equals(last)) sb.append(": ").append(name);
      last = name;
      String m = t.getMessage();
      if (m != null && !m.isBlank()) return sb.append(" ").append(m).toString();
      if (t.getCause() == t) break;
    }
    return sb.append(
            e instanceof ConnectException ? " (no network, or the host is unreachable?)" : "")
        .toString();
  }
}
