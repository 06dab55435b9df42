package dl.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The OS sandbox itself, tried from inside by {@link SandboxProbe} as a submission that got past
 * the JVM's checks would: no repository, no writes outside /scratch, /scratch capped, no network,
 * no processes, no view of the host's processes.
 */
class SandboxTest {
  static final Path ROOT = GraderEndToEndTest.ROOT;

  @Test
  void aChildInTheSandboxCannotReachTheRepositoryTheNetworkOrTheHost() throws Exception {
    Sandbox.Limits limits = new Sandbox.Limits(60, 64L << 20, 64L << 20, 4L << 30, 128);
    Path dir = Files.createTempDirectory("dl-grader-sandbox-test-");
    try (ServerSocket server = new ServerSocket(0)) {
      Path jar = GraderEndToEndTest.jarOfClasses(Path.of("target/classes"));
      Files.copy(jar, dir.resolve("probe.jar"));
      Files.delete(jar);
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(
          dir.resolve("probe.jar"),
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Sandbox sb = Sandbox.probe(java, dir, List.of());
      assumeTrue(sb.available, "no OS sandbox here: " + sb.why);
      String secret = ROOT.resolve("solutions/ex01-perceptron.ipynb").toString();
      List<String> cmd =
          sb.wrap(
              List.of(
                  java,
                  "-Xmx64m",
                  "-cp",
                  Sandbox.GRADER + "/probe.jar",
                  SandboxProbe.class.getName(),
                  secret,
                  Integer.toString(server.getLocalPort())),
              dir,
              limits);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out);
      Map<String, String> seen = new HashMap<>();
      for (String line : out.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) seen.put(line.substring(0, eq), line.substring(eq + 1));
      }
      for (String denied :
          List.of(
              "read-repository",
              "write-outside-scratch",
              "write-tmp",
              "fill-scratch",
              "network",
              "start-process",
              "see-host-processes"))
        assertTrue(seen.getOrDefault(denied, "").startsWith("DENIED"), denied + ": " + out);
      assertTrue(seen.getOrDefault("write-scratch", "").startsWith("ALLOWED"), out);
      String root = seen.get("list-root");
      assertTrue(
          root != null
              && !root.contains("work")
              && !root.contains("home")
              && !root.contains("root,"),
          out);
    } finally {
      Grader.deleteTree(dir);
    }
  }
}
