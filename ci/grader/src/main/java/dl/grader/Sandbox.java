package dl.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The operating-system sandbox around the child JVM: bubblewrap ({@code bwrap}, Debian package
 * {@code bubblewrap}) with resource limits from {@code prlimit}.
 *
 * <p>Inside, the child sees: the JDK (read-only, with the system libraries it links and the files
 * its symlinks point to), the grader's jars and policy (read-only copies, at {@code /grader}), the
 * data sets (read-only, at {@code /data} and the system data folder), a fresh {@code /proc} and a
 * minimal {@code /dev}, and a private writable {@code /scratch} (tmpfs with a size cap, gone when
 * the child ends). No network (every namespace unshared), its own PID namespace, killed with its
 * parent. When the grader runs as root, the child runs as user {@code nobody}. Limits: CPU seconds,
 * processes and threads, file size, open files, address space; no core dumps.
 */
final class Sandbox {
  static final String SCRATCH = "/scratch";
  static final String GRADER = "/grader";
  static final String DATA = "/data";

  final boolean available;
  final String why; // when not available: what failed
  private final String version;
  private final String javaHome;
  private final boolean dropToNobody;
  private final String[] tools; // bwrap, prlimit, setpriv (null unless root)
  private final List<String> readOnly; // host paths bound read-only at the same path
  private final List<String[]> links; // {target, path}: /lib -> usr/lib on merged-/usr systems
  private final Map<String, String> dataBinds; // host -> inside

  /**
   * Resource limits (bytes and seconds) given to the child; see {@link #limits(Grader.Options)}.
   */
  record Limits(
      long cpuSeconds, long fileBytes, long scratchBytes, long addressSpace, int processes) {}

  private Sandbox(
      boolean available,
      String why,
      String version,
      String javaHome,
      boolean dropToNobody,
      String[] tools,
      List<String> readOnly,
      List<String[]> links,
      Map<String, String> dataBinds) {
    this.available = available;
    this.why = why;
    this.version = version;
    this.javaHome = javaHome;
    this.dropToNobody = dropToNobody;
    this.tools = tools;
    this.readOnly = readOnly;
    this.links = links;
    this.dataBinds = dataBinds;
  }

  static Sandbox unavailable(String why) {
    return new Sandbox(false, why, null, null, false, null, List.of(), List.of(), Map.of());
  }

  /**
   * Finds bwrap and prlimit, works out what the JDK at {@code java} needs, and tries it once with
   * {@code java -version}; {@link #available} says whether that worked.
   */
  static Sandbox probe(String java, Path privateDir, List<Path> dataDirs) {
    String bwrap = which("bwrap"), prlimit = which("prlimit");
    if (bwrap == null)
      return unavailable("bwrap not found (install the Debian package bubblewrap)");
    if (prlimit == null) return unavailable("prlimit not found (install util-linux)");
    boolean root = "root".equals(System.getProperty("user.name"));
    String setpriv = root ? which("setpriv") : null;
    if (root && setpriv == null) return unavailable("setpriv not found (install util-linux)");
    try {
      Path javaExe = Path.of(java).toRealPath();
      Path home = javaExe.getParent().getParent();
      Set<String> ro = new TreeSet<>();
      ro.add(home.toString());
      // Files the JDK links to outside its folder (Debian: conf/ -> /etc/java-17-openjdk).
      try (Stream<Path> s = Files.walk(home)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (!Files.isSymbolicLink(p)) continue;
          try {
            Path target = p.toRealPath();
            if (!target.startsWith(home)) ro.add(target.toString());
          } catch (IOException dangling) {
            // a dangling link (src.zip without the sources package): nothing to bind
          }
        }
      }
      List<String[]> links = new ArrayList<>();
      // The shared libraries java and libjvm load (glibc, zlib, ...), from ldd.
      Set<String> libDirs = new LinkedHashSet<>();
      for (Path bin : List.of(javaExe, home.resolve("lib/server/libjvm.so")))
        for (String line : run(List.of("ldd", bin.toString())).split("\n")) {
          int slash = line.indexOf('/');
          if (slash < 0) continue;
          String path =
              line.substring(slash).replaceFirst("\\s*\\(0x[0-9a-f]+\\)\\s*$", "").strip();
          Path lib = Path.of(path);
          if (!Files.exists(lib)) continue;
          libDirs.add(lib.getParent().toString());
          libDirs.add(lib.toRealPath().getParent().toString());
        }
      for (String top : List.of("/lib", "/lib64", "/lib32", "/libx32")) {
        Path t = Path.of(top);
        if (Files.isSymbolicLink(t)) {
          links.add(new String[] {Files.readSymbolicLink(t).toString(), top});
          libDirs.removeIf(d -> d.equals(top) || d.startsWith(top + "/")); // bound by real path
        }
      }
      for (String d : libDirs) ro.add(Path.of(d).toRealPath().toString());
      if (Files.isDirectory(Path.of("/usr/lib64"))) ro.add("/usr/lib64");
      Map<String, String> data = new LinkedHashMap<>();
      for (Path d : dataDirs) {
        if (!Files.isDirectory(d) || root && !worldReadable(d)) continue;
        Path real = d.toRealPath();
        data.put(
            real.toString(),
            real.startsWith("/usr/share") ? real.toString() : DATA + "/" + d.getFileName());
      }
      String version = run(List.of(bwrap, "--version")).strip();
      Sandbox sb =
          new Sandbox(
              true,
              null,
              version,
              home.toString(),
              root,
              new String[] {bwrap, prlimit, setpriv},
              List.copyOf(pruneNested(ro)),
              links,
              data);
      // Try it: the JDK must start inside with these binds and limits.
      List<String> cmd =
          sb.wrap(
              List.of(javaExe.toString(), "-Xmx64m", "-version"),
              privateDir,
              new Limits(30, 1 << 20, 1 << 20, 4L << 30, 256));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return unavailable("the sandbox did not start the JDK within 60 s");
      }
      if (p.exitValue() != 0)
        return unavailable(
            "bwrap could not start the JDK (exit code "
                + p.exitValue()
                + "): "
                + firstLine(out)
                + " (are unprivileged user namespaces enabled? sysctl kernel.unprivileged_userns_clone)");
      return sb;
    } catch (IOException | InterruptedException | RuntimeException e) {
      return unavailable("cannot set up the sandbox: " + e);
    }
  }

  /** The command that runs {@code javaCmd} (its paths as seen inside) in the sandbox. */
  List<String> wrap(List<String> javaCmd, Path privateDir, Limits l) {
    List<String> c = new ArrayList<>();
    if (dropToNobody)
      c.addAll(List.of(tools[2], "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
    c.addAll(
        List.of(
            tools[1],
            "--cpu=" + l.cpuSeconds(),
            "--fsize=" + l.fileBytes(),
            "--nofile=256",
            "--nproc=" + l.processes(),
            "--core=0",
            "--as=" + l.addressSpace(),
            "--"));
    c.addAll(List.of(tools[0], "--unshare-all", "--die-with-parent", "--new-session"));
    for (String p : readOnly) c.addAll(List.of("--ro-bind", p, p));
    for (String[] link : links) c.addAll(List.of("--symlink", link[0], link[1]));
    for (var e : dataBinds.entrySet()) c.addAll(List.of("--ro-bind", e.getKey(), e.getValue()));
    c.addAll(List.of("--ro-bind", privateDir.toString(), GRADER));
    c.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
    c.addAll(List.of("--size", Long.toString(l.scratchBytes()), "--tmpfs", SCRATCH));
    c.addAll(
        List.of("--chdir", SCRATCH, "--setenv", "HOME", SCRATCH, "--setenv", "TMPDIR", SCRATCH));
    if (dataBinds.values().stream().anyMatch(v -> v.startsWith(DATA + "/")))
      c.addAll(List.of("--setenv", "DL_DATA", DATA));
    c.add("--");
    c.addAll(javaCmd);
    return c;
  }

  /** What the reports say about the isolation in force. */
  Map<String, Object> describe(Limits l, boolean securityManager) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("os_sandbox", available ? version : "none");
    if (available) {
      m.put("user", dropToNobody ? "nobody" : System.getProperty("user.name"));
      m.put("network", "none");
      m.put("visible", "JDK (read-only), grader jars (read-only), data sets (read-only), /scratch");
      Map<String, Object> lim = new LinkedHashMap<>();
      lim.put("cpu_seconds", l.cpuSeconds());
      lim.put("file_bytes", l.fileBytes());
      lim.put("scratch_bytes", l.scratchBytes());
      lim.put("address_space_bytes", l.addressSpace());
      lim.put("processes", l.processes());
      m.put("limits", lim);
    } else m.put("why_not", why);
    m.put("security_manager", securityManager);
    return m;
  }

  /** One line for the console. */
  String summary(boolean securityManager) {
    String os =
        available
            ? "OS sandbox (" + version + (dropToNobody ? ", as nobody" : "") + ")"
            : "NO OS sandbox";
    return os + (securityManager ? " + Security Manager" : "") + " + JVM limits";
  }

  String javaHome() {
    return javaHome;
  }

  // ---------------------------------------------------------------- helpers

  private static Set<String> pruneNested(Set<String> paths) {
    Set<String> out = new TreeSet<>();
    for (String p : paths) {
      boolean inside = false;
      for (String q : paths) if (!q.equals(p) && p.startsWith(q + "/")) inside = true;
      if (!inside) out.add(p);
    }
    return out;
  }

  /** Readable by other users: every folder above it searchable, itself readable. */
  static boolean worldReadable(Path p) {
    try {
      Path real = p.toRealPath();
      for (Path q = real; q != null; q = q.getParent()) {
        Set<PosixFilePermission> perms =
            Files.getPosixFilePermissions(q, LinkOption.NOFOLLOW_LINKS);
        if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) return false;
      }
      return Files.getPosixFilePermissions(real).contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  static String which(String tool) {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(":")));
    dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
    for (String d : dirs) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, tool);
      if (Files.isExecutable(p)) return p.toString();
    }
    return null;
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
