package dl.grader;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run inside the sandbox by the grader's tests (instructor code, never given to a submission):
 * tries what a submission that got past the JVM's checks would try, and prints one line per
 * attempt, {@code name=ALLOWED|DENIED detail}. Arguments: a file of the repository, a TCP port on
 * the host.
 */
public final class SandboxProbe {
  private SandboxProbe() {}

  interface Attempt {
    String run() throws Exception;
  }

  static void attempt(String name, Attempt a) {
    try {
      System.out.println(name + "=ALLOWED " + a.run());
    } catch (Exception | Error e) {
      System.out.println(name + "=DENIED " + e.getClass().getSimpleName());
    }
  }

  public static void main(String[] args) {
    String repoFile = args[0];
    int port = Integer.parseInt(args[1]);
    attempt("read-repository", () -> Files.readString(Path.of(repoFile)).length() + " chars");
    attempt(
        "write-outside-scratch",
        () -> {
          Files.writeString(Path.of("/grader/escape.txt"), "x");
          return "wrote /grader/escape.txt";
        });
    attempt(
        "write-tmp",
        () -> {
          Files.writeString(Path.of("/tmp/escape.txt"), "x");
          return "wrote /tmp/escape.txt";
        });
    attempt(
        "write-scratch",
        () -> {
          Files.writeString(Path.of("/scratch/ok.txt"), "x");
          return "wrote /scratch/ok.txt";
        });
    attempt(
        "fill-scratch",
        () -> {
          byte[] mb = new byte[1 << 20];
          try (OutputStream o = Files.newOutputStream(Path.of("/scratch/big"))) {
            for (int i = 0; i < 200; i++) o.write(mb);
          }
          return "wrote 200 MB";
        });
    attempt(
        "network",
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return "connected to the host's port " + port;
          }
        });
    attempt(
        "start-process",
        () -> {
          Process p = new ProcessBuilder("/bin/sh", "-c", "true").start();
          return "started /bin/sh, exit " + p.waitFor();
        });
    attempt(
        "see-host-processes",
        () -> {
          long n;
          try (var s = Files.list(Path.of("/proc"))) {
            n = s.filter(p -> p.getFileName().toString().matches("\\d+")).count();
          }
          if (n > 5) return n + " processes visible";
          throw new IOException("only " + n + " processes visible");
        });
    attempt(
        "list-root",
        () -> {
          try (var s = Files.list(Path.of("/"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().toString();
          }
        });
  }
}
