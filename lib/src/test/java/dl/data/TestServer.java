package dl.data;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A download mirror on 127.0.0.1 for tests: {@code /good/NAME} serves a file, {@code /missing/}
 * answers 404, and a second port ({@link #dropping()}) promises the whole file but closes the
 * connection halfway, like a network failure. Only loopback traffic; stopped by {@link #close()}.
 */
final class TestServer implements AutoCloseable {
  final Map<String, byte[]> files = new ConcurrentHashMap<>();
  final AtomicInteger requests = new AtomicInteger();
  private final HttpServer http;
  private final ServerSocket dropping;
  private final Thread dropper;

  TestServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/good/",
        ex -> {
          requests.incrementAndGet();
          byte[] body = files.get(ex.getRequestURI().getPath().substring("/good/".length()));
          if (body == null) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
              o.write(body);
            }
          }
          ex.close();
        });
    http.createContext(
        "/missing/",
        ex -> {
          requests.incrementAndGet();
          ex.sendResponseHeaders(404, -1);
          ex.close();
        });
    http.start();
    dropping = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    dropper = new Thread(this::dropHalfway, "test-server-dropping");
    dropper.setDaemon(true);
    dropper.start();
  }

  /** Base URL of the good mirror. */
  String good() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/good/";
  }

  String missing() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/missing/";
  }

  /**
   * Base URL of a mirror that sends Content-Length for the whole file, then half of it, then hangs
   * up.
   */
  String dropping() {
    return "http://127.0.0.1:" + dropping.getLocalPort() + "/";
  }

  private void dropHalfway() {
    while (!dropping.isClosed()) {
      try (Socket s = dropping.accept()) {
        requests.incrementAndGet();
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        String line = r.readLine();
        String path = line == null ? "" : line.split(" ")[1].substring(1);
        while ((line = r.readLine()) != null && !line.isEmpty()) {
          // skip the request headers
        }
        byte[] body = files.getOrDefault(path, new byte[100]);
        OutputStream o = s.getOutputStream();
        o.write(
            ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        o.write(body, 0, body.length / 2);
        o.flush();
      } catch (IOException e) {
        // closed by close(), or the client went away: either way, on to the next
      }
    }
  }

  /** A URL on which nothing listens. */
  static String closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort() + "/";
    }
  }

  @Override
  public void close() throws IOException {
    http.stop(0);
    dropping.close();
  }
}
