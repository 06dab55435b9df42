package dl.grader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Grades submissions against the source (solution) notebooks, nbgrader style: the student's
 * solution cells (and any cells they added) come from the submission; instructor cells and the
 * autograder test cells, hidden tests included, always come from the source notebook, so deleting
 * or editing a test cell changes nothing.
 *
 * <p>Each submission runs in a fresh child JVM ({@link Runner}) with a heap limit, an empty
 * environment, a fresh scratch folder as working directory and the library on its classpath. The
 * code travels over a pipe, never as a path. A unit (cell or test) that ends the JVM (System.exit,
 * out of memory, a crash) or outlives the time limit is reported, and the child is started again
 * without it, so the remaining tests still run.
 */
public final class Grader {
  /** Limits and paths; the defaults suit the course's exercises on a 2-core machine. */
  public static final class Options {
    public Path solutions;
    public Path libJar;
    public Path runnerJar;
    public String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    public long cellTimeoutMs = 10_000;
    public long totalTimeoutMs = 60_000;
    public int heapMb = 512;
    public int outputLimit = 8_192;
    public int maxRestarts = 4;

    /**
     * Run the child under a Java security policy (file access only in its scratch folder, no
     * processes, no System.exit, no network). Possible only on JDK 17 to 23: JDK 24 removed the
     * Security Manager, so there the child runs without it (see the README).
     */
    public boolean sandbox = Runtime.version().feature() <= 23;
  }

  private final Options opt;
  private final Map<String, Notebook> sources = new LinkedHashMap<>();
  private final Path privateDir;
  private final List<String> classpath = new ArrayList<>();

  public Grader(Options opt) throws IOException {
    this.opt = opt;
    for (Path p : Release.notebooks(opt.solutions)) {
      String name = p.getFileName().toString().replaceFirst("\\.ipynb$", "");
      sources.put(name, Notebook.read(p));
    }
    // NOTE: the child gets copies of the jars in a private temporary folder, so its class path
    // does not point into the repository (where solutions/ lives).
    privateDir = Files.createTempDirectory("dl-grader-");
    for (Path jar : List.of(opt.runnerJar, opt.libJar)) {
      if (Files.isDirectory(jar)) { // classes folder, when run from the build (tests)
        classpath.add(jar.toString());
        continue;
      }
      Path copy = privateDir.resolve(jar.getFileName());
      Files.copy(jar, copy);
      classpath.add(copy.toString());
    }
  }

  public Set<String> exercises() {
    return sources.keySet();
  }

  /** Removes the private copies; call once after the last {@link #grade}. */
  public void close() {
    deleteTree(privateDir);
  }

  // ---------------------------------------------------------------- which exercise

  private static Set<String> solutionIds(Notebook nb) {
    Set<String> ids = new HashSet<>();
    for (Notebook.Cell c : nb.cells())
      if (c.isSolution() && c.gradeId() != null) ids.add(c.gradeId());
    return ids;
  }

  /** The exercise a submission belongs to: by its file name, else by its solution cells' ids. */
  String guessExercise(Path file, Notebook nb) {
    String stem = file.getFileName().toString().replaceFirst("\\.ipynb$", "");
    String byName =
        sources.keySet().stream()
            .filter(n -> stem.equals(n) || stem.startsWith(n + ".") || stem.startsWith(n + "--"))
            .max(Comparator.comparingInt(String::length))
            .orElse(null);
    if (byName != null || nb == null) return byName;
    return byIds(nb);
  }

  private String byIds(Notebook nb) {
    Set<String> ids = solutionIds(nb);
    String best = null;
    int bestOverlap = 0;
    for (var e : sources.entrySet()) {
      Set<String> common = new HashSet<>(solutionIds(e.getValue()));
      common.retainAll(ids);
      if (common.size() > bestOverlap) {
        bestOverlap = common.size();
        best = e.getKey();
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- grading

  /** Larger files are not read (a notebook with saved outputs could otherwise fill the heap). */
  static final long MAX_NOTEBOOK_BYTES = 50_000_000;

  /** One thing to evaluate in the child: a code cell, or one autograder test cell. */
  record Unit(String kind, int cell, String id, String code, double points) {}

  /** Grades one submission; never throws, a problem becomes part of the report. */
  public Report grade(Path file, String exercise) {
    long t0 = System.nanoTime();
    Report r = new Report();
    r.submission = file.toString();
    try {
      gradeInto(r, file, exercise);
    } catch (Exception | Error e) {
      r.status = "error";
      r.problems.add("the grader failed: " + e);
    }
    r.seconds = (System.nanoTime() - t0) / 1e9;
    return r;
  }

  private void gradeInto(Report r, Path file, String exercise) throws Exception {
    Notebook sub = null;
    String unreadable = null;
    try {
      if (Files.size(file) > MAX_NOTEBOOK_BYTES)
        throw new Notebook.FormatException(
            "the file is larger than " + MAX_NOTEBOOK_BYTES / 1_000_000 + " MB (saved outputs?)");
      sub = Notebook.read(file);
    } catch (Notebook.FormatException | IOException e) {
      unreadable = e instanceof IOException ? "cannot read the file: " + e : e.getMessage();
    }
    if (exercise == null) exercise = guessExercise(file, sub);
    r.exercise = exercise;
    if (exercise == null || !sources.containsKey(exercise)) {
      r.status = unreadable != null ? "unreadable" : "wrong-exercise";
      r.problems.add(
          exercise == null
              ? "cannot tell which exercise this is; name it with --exercise (one of "
                  + String.join(", ", sources.keySet())
                  + ")"
              : "no exercise named '" + exercise + "' in " + opt.solutions);
      if (unreadable != null) r.problems.add("the notebook could not be read: " + unreadable);
      return;
    }
    Notebook src = sources.get(exercise);
    List<Unit> tests = new ArrayList<>();
    for (Notebook.Cell c : src.cells())
      if (c.isTest()) tests.add(new Unit("test", c.index(), c.gradeId(), c.source(), c.points()));

    if (unreadable != null) {
      r.status = "unreadable";
      failAll(r, tests, "not graded: the notebook could not be read (" + unreadable + ")");
      r.problems.add("the notebook could not be read: " + unreadable);
      return;
    }
    Set<String> mine = solutionIds(src);
    Set<String> theirs = solutionIds(sub);
    if (!theirs.isEmpty() && theirs.stream().noneMatch(mine::contains)) {
      String other = byIds(sub);
      r.status = "wrong-exercise";
      String msg =
          "not graded: this notebook is not exercise '"
              + exercise
              + "'"
              + (other != null ? " (it looks like '" + other + "')" : "");
      r.problems.add(msg);
      failAll(r, tests, msg);
      return;
    }

    // Instructor cells (locked, not tests) from the source; everything else the student wrote.
    Set<String> instructorIds = new HashSet<>();
    Set<String> instructorText = new HashSet<>();
    List<Unit> units = new ArrayList<>();
    for (Notebook.Cell c : src.cells()) {
      if (!c.isCode() || c.isSolution()) continue;
      if (c.gradeId() != null) instructorIds.add(c.gradeId());
      instructorText.add(c.source().strip());
      if (c.isLocked() && !c.isTest() && !stripMagics(c.source()).isBlank())
        units.add(new Unit("setup", 0, c.gradeId(), stripMagics(c.source()), 0));
    }
    for (Notebook.Cell c : Release.studentVersion(src, exercise).cells())
      if (c.isTest()) instructorText.add(c.source().strip());
    Set<String> present = new HashSet<>();
    for (Notebook.Cell c : sub.cells()) {
      if (!c.isCode()) continue;
      String id = c.gradeId();
      if (id != null && instructorIds.contains(id)) continue;
      if (instructorText.contains(c.source().strip())) continue;
      if (id != null) present.add(id);
      if (c.source().isBlank()) continue;
      units.add(new Unit("cell", c.index(), id, stripMagics(c.source()), 0));
    }
    boolean hasMetadata = sub.cells().stream().anyMatch(c -> !c.nbgrader().isEmpty());
    if (!hasMetadata)
      r.problems.add(
          "the notebook has no nbgrader cell metadata (saved by another tool?): its cells were"
              + " matched to the exercise by their text");
    else
      for (String id : mine)
        if (!present.contains(id))
          r.problems.add(
              "the solution cell '" + id + "' is missing from the submission (deleted?)");
    // NOTE: the instructor's definitions run again right before the tests, so a submission that
    // redefines a checking helper cannot change what the tests do.
    for (Unit u : List.copyOf(units))
      if (u.kind().equals("setup")) units.add(new Unit("resetup", 0, u.id(), u.code(), 0));
    units.addAll(tests);

    Map<Integer, Map<String, Object>> results = run(units);
    for (int i = 0; i < units.size(); i++) {
      Unit u = units.get(i);
      Map<String, Object> res = results.get(i);
      String status = res == null ? "not-run" : (String) res.get("status");
      String message = res == null ? "not run" : (String) res.get("message");
      if (u.kind().equals("test")) {
        boolean ok = "ok".equals(status);
        String m = ok ? "passed" : testMessage(status, message, res, units);
        r.tests.add(new Report.TestResult(u.id(), ok ? u.points() : 0, u.points(), ok, m));
      } else {
        if (u.kind().equals("resetup") && "ok".equals(status)) continue;
        int line = res != null && res.get("line") instanceof Number n ? n.intValue() : 0;
        String out = res == null ? "" : (String) res.getOrDefault("output", "");
        if (!"ok".equals(status) && res != null && res.get("atUnit") instanceof Number at)
          message += " (" + where(units, at.intValue(), res) + ")";
        r.cells.add(new Report.CellResult(u.cell(), u.id(), status, message, line, out));
      }
    }
  }

  private static void failAll(Report r, List<Unit> tests, String message) {
    for (Unit t : tests) r.tests.add(new Report.TestResult(t.id(), 0, t.points(), false, message));
  }

  private static String where(List<Unit> units, int unit, Map<String, Object> res) {
    Unit u = units.get(unit);
    String line = res.get("atLine") instanceof Number n ? ", line " + n : "";
    return u.cell() > 0 ? "in your cell " + u.cell() + line : "in cell '" + u.id() + "'";
  }

  /** The student-facing message of a failed test: never the test's code, only what went wrong. */
  private static String testMessage(
      String status, String message, Map<String, Object> res, List<Unit> units) {
    if (res == null) return "not run";
    return switch (status) {
      case "compile" -> "the test cannot use your code: " + compileMessage(message);
      case "exception" -> {
        String m = message;
        if (res.get("atUnit") instanceof Number at)
          m += " (" + where(units, at.intValue(), res) + ")";
        yield m;
      }
      default -> message;
    };
  }

  /**
   * javac's "cannot find symbol / symbol: ... / location: class" in one line, without JShell's
   * wrapper class.
   */
  static String compileMessage(String s) {
    StringBuilder b = new StringBuilder();
    for (String line : s.split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("location:")) continue;
      if (t.startsWith("symbol:")) t = t.substring("symbol:".length()).strip();
      if (b.length() > 0) b.append(b.toString().endsWith("symbol") ? ": " : "; ");
      b.append(t);
    }
    return b.toString();
  }

  /** Jupyter magics ({@code %jars ...}, {@code %%time}) are kernel commands, not Java. */
  static String stripMagics(String code) {
    StringBuilder b = new StringBuilder();
    for (String line : code.split("\n", -1)) {
      // NOTE: blank, not removed, so line numbers in messages match the notebook
      b.append(line.stripLeading().startsWith("%") ? "" : line).append('\n');
    }
    return b.substring(0, b.length() - 1);
  }

  // ---------------------------------------------------------------- the child JVM

  /** Runs the units, restarting the child without any unit that kills it; results by index. */
  Map<Integer, Map<String, Object>> run(List<Unit> units) throws IOException, InterruptedException {
    Map<Integer, Map<String, Object>> results = new HashMap<>();
    Set<Integer> skip = new HashSet<>();
    long deadline = System.nanoTime() + opt.totalTimeoutMs * 1_000_000;
    for (int attempt = 0; ; attempt++) {
      List<Integer> todo = new ArrayList<>();
      for (int i = 0; i < units.size(); i++) {
        if (skip.contains(i)) continue;
        if (units.get(i).kind().equals("test") && results.containsKey(i)) continue;
        todo.add(i);
      }
      if (todo.isEmpty() || todo.stream().noneMatch(i -> units.get(i).kind().equals("test")))
        if (attempt > 0) break;
      if (attempt > opt.maxRestarts) {
        for (int i : todo)
          results.putIfAbsent(
              i, result("not-run", "not run: the submission crashed the grader's JVM too often"));
        break;
      }
      Integer crashed = runChild(units, todo, results, deadline);
      if (crashed == null) break; // finished, or out of total time (already recorded)
      skip.add(crashed);
    }
    return results;
  }

  private static Map<String, Object> result(String status, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    m.put("message", message);
    return m;
  }

  private static final String EOF = "\u0000eof";

  /** One child run; returns the unit (global index) that ended or hung the JVM, else null. */
  private Integer runChild(
      List<Unit> units,
      List<Integer> todo,
      Map<Integer, Map<String, Object>> results,
      long deadline)
      throws IOException, InterruptedException {
    Path scratch = Files.createTempDirectory("dl-grader-scratch-");
    String nonce = HexFormat.of().formatHex(seed());
    List<String> cmd =
        new ArrayList<>(
            List.of(
                opt.java,
                "-Xmx" + opt.heapMb + "m",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true",
                "-Djava.io.tmpdir=" + scratch,
                "-Duser.home=" + scratch,
                "-cp",
                String.join(java.io.File.pathSeparator, classpath),
                Runner.class.getName()));
    if (opt.sandbox) cmd.addAll(cmd.size() - 4, sandboxOptions(scratch));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(scratch.toFile());
    pb.environment().clear();
    pb.environment().put("HOME", scratch.toString());
    pb.environment().put("TMPDIR", scratch.toString());
    pb.environment().put("LANG", "C.UTF-8");
    Process p = pb.start();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    StringBuilder stderrTail = new StringBuilder();
    StringBuilder stdoutTail = new StringBuilder();
    Thread out = daemon(() -> readEvents(p.getInputStream(), nonce, events, stdoutTail));
    Thread err = daemon(() -> drainTail(p.getErrorStream(), stderrTail));
    try {
      List<Object> jobUnits = new ArrayList<>();
      for (int i : todo) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("kind", units.get(i).kind());
        u.put("code", units.get(i).code());
        jobUnits.add(u);
      }
      Map<String, Object> job = new LinkedHashMap<>();
      job.put("nonce", nonce);
      job.put("cellTimeoutMs", opt.cellTimeoutMs);
      job.put("outputLimit", (long) opt.outputLimit);
      job.put("units", jobUnits);
      try (OutputStream in = p.getOutputStream()) {
        in.write(Json.compact(job).getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the child died before reading its job: reported below as a crash at start-up
      }
      int current = -1;
      long unitStart = System.nanoTime();
      long grace = 5_000_000_000L; // the child stops a slow cell itself; this is the backstop
      while (true) {
        long now = System.nanoTime();
        long unitDeadline =
            current >= 0 ? unitStart + opt.cellTimeoutMs * 1_000_000 + grace : Long.MAX_VALUE;
        long wait = Math.min(deadline, unitDeadline) - now;
        String line = wait > 0 ? events.poll(wait, TimeUnit.NANOSECONDS) : null;
        if (line == null) { // a time limit passed
          p.destroyForcibly();
          int g = current >= 0 ? todo.get(current) : -1;
          if (System.nanoTime() >= deadline) {
            String msg =
                "not run: the submission used up the total time limit of "
                    + opt.totalTimeoutMs / 1000
                    + " s";
            if (g >= 0)
              results.put(
                  g, result("timeout", "stopped at the total time limit (an endless loop?)"));
            for (int i : todo) results.putIfAbsent(i, result("not-run", msg));
            return null;
          }
          results.put(
              g,
              result(
                  "timeout",
                  "did not finish within the per-cell time limit of "
                      + opt.cellTimeoutMs / 1000.0
                      + " s (an endless loop?)"));
          return g;
        }
        if (line.equals(EOF)) {
          int code = p.waitFor();
          out.join(1000);
          err.join(1000);
          String tail;
          synchronized (stderrTail) {
            tail = stderrTail.toString();
          }
          synchronized (stdoutTail) {
            tail += stdoutTail;
          }
          String why =
              tail.contains("OutOfMemoryError")
                  ? "ran out of memory (the heap limit is " + opt.heapMb + " MB)"
                  : "the JVM stopped with exit code "
                      + code
                      + " (System.exit or Runtime.halt called by the submission?)";
          if (current < 0) {
            String msg = "not run: the grader's JVM stopped before this (exit code " + code + ")";
            for (int i : todo) results.putIfAbsent(i, result("error", msg));
            return null;
          }
          int g = todo.get(current);
          Map<String, Object> res = result("crash", why);
          results.put(g, res);
          return g;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ev = (Map<String, Object>) Json.parse(line);
        switch ((String) ev.get("ev")) {
          case "start" -> {
            current = ((Number) ev.get("unit")).intValue();
            unitStart = System.nanoTime();
          }
          case "end" -> {
            int local = ((Number) ev.get("unit")).intValue();
            if (ev.get("atUnit") instanceof Number at)
              ev.put("atUnit", (long) todo.get(at.intValue()));
            results.put(todo.get(local), ev);
            current = -1;
          }
          case "done" -> {
            return null;
          }
          default -> {}
        }
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
      deleteTree(scratch);
    }
  }

  /**
   * The Security Manager and a policy that gives the grader's own runner (and the JDK's compiler
   * and JShell, which it drives) every permission, and the submission (and the library, whenever
   * the submission calls it) only: read and write in the scratch folder, read system properties. So
   * reading the solutions, writing elsewhere, starting processes, opening sockets and System.exit
   * throw a SecurityException inside the cell.
   */
  private List<String> sandboxOptions(Path scratch) throws IOException {
    StringBuilder policy = new StringBuilder();
    for (String trusted : List.of("jrt:/jdk.jshell", "jrt:/jdk.compiler", "jrt:/jdk.internal.opt"))
      policy.append(grantAll(trusted));
    Path runner = Path.of(classpath.get(0));
    String runnerUri = runner.toUri().toString();
    policy.append(grantAll(Files.isDirectory(runner) ? runnerUri + "-" : runnerUri));
    String dir = scratch.toString().replace("\\", "\\\\").replace("\"", "\\\"");
    policy
        .append("grant {\n")
        .append("  permission java.io.FilePermission \"")
        .append(dir)
        .append("\", \"read,write,delete\";\n")
        .append("  permission java.io.FilePermission \"")
        .append(dir)
        .append(java.io.File.separator)
        .append("-\", \"read,write,delete\";\n")
        .append("  permission java.util.PropertyPermission \"*\", \"read\";\n")
        .append("  permission java.lang.RuntimePermission \"getenv.*\";\n")
        // the library's CPU backend runs large ops on a thread pool
        .append("  permission java.lang.RuntimePermission \"modifyThread\";\n")
        .append("};\n");
    Path file = Files.createTempFile(privateDir, "child-", ".policy");
    Files.writeString(file, policy.toString());
    // NOTE: "=" adds to the JDK's default policy, which the JDK's own optional modules need.
    return List.of("-Djava.security.manager", "-Djava.security.policy=" + file);
  }

  private static String grantAll(String codeBase) {
    return "grant codeBase \"" + codeBase + "\" {\n  permission java.security.AllPermission;\n};\n";
  }

  private static byte[] seed() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "grader-io");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Protocol lines go to the queue; anything else (the submission writing to fd 1) is dropped. */
  private static void readEvents(
      InputStream in, String nonce, BlockingQueue<String> events, StringBuilder tail) {
    String prefix = nonce + " ";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      char[] buf = new char[8192];
      StringBuilder line = new StringBuilder();
      int n;
      while ((n = r.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = buf[i];
          if (c == '\n') {
            if (line.length() > prefix.length() && line.indexOf(prefix) == 0)
              events.add(line.substring(prefix.length()));
            else
              synchronized (tail) { // the JVM's own last words ("Terminating due to ...") land here
                tail.append(line, 0, Math.min(line.length(), 1000)).append('\n');
                if (tail.length() > 4096) tail.delete(0, tail.length() - 4096);
              }
            line.setLength(0);
          } else if (line.length() < 4_000_000) line.append(c); // bounded: junk cannot fill memory
        }
      }
    } catch (IOException ignored) {
      // the child is gone; EOF below says so
    }
    events.add(EOF);
  }

  private static void drainTail(InputStream in, StringBuilder tail) {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (tail) {
          tail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          if (tail.length() > 8192) tail.delete(0, tail.length() - 8192);
        }
      }
    } catch (IOException ignored) {
      // the child is gone
    }
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) return;
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a temp folder left behind is not worth failing a grade for
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
