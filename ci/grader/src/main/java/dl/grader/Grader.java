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

    public int scratchMb = 64;

    /**
     * Run the child in the OS sandbox ({@link Sandbox}), and on JDK 17 to 23 also under a Java
     * security policy (JDK 24 removed the Security Manager). When the sandbox cannot start, the
     * grader refuses to grade; {@code false} ({@code --no-sandbox}) grades trusted work without
     * either.
     */
    public boolean sandbox = true;

    /** Data set folders the child may read (MNIST under data/, Fashion-MNIST from Debian). */
    public List<Path> dataDirs = new ArrayList<>();
  }

  /** Thrown when the grader cannot grade safely (no sandbox and no {@code --no-sandbox}). */
  public static final class SetupException extends RuntimeException {
    SetupException(String message) {
      super(message);
    }
  }

  private final Options opt;
  private final Map<String, Notebook> sources = new LinkedHashMap<>();
  private final Path privateDir;
  private final List<String> classpath = new ArrayList<>(); // as the child sees it
  private final List<String> hostClasspath = new ArrayList<>();
  private final Sandbox sandbox;
  private final boolean securityManager;
  private final int childJdk;
  private final String javaExe;

  public Grader(Options opt) throws IOException {
    this.opt = opt;
    for (Path p : Release.notebooks(opt.solutions)) {
      String name = p.getFileName().toString().replaceFirst("\\.ipynb$", "");
      Notebook nb = Notebook.read(p);
      for (Notebook.Cell c : nb.cells())
        for (String f : c.forbidden()) {
          String bad = ForbiddenApis.checkPattern(f);
          if (bad != null) throw new SetupException(name + ", cell " + c.index() + ": " + bad);
        }
      sources.put(name, nb);
    }
    // NOTE: the child gets copies of the jars in a private temporary folder, so its class path
    // does not point into the repository (where solutions/ lives).
    privateDir = Files.createTempDirectory("dl-grader-");
    int i = 0;
    for (Path jar : List.of(opt.runnerJar, opt.libJar)) {
      Path copy = privateDir.resolve(i++ + "-" + jar.getFileName());
      if (Files.isDirectory(jar)) copyTree(jar, copy); // classes folder, when run from the build
      else Files.copy(jar, copy);
      hostClasspath.add(copy.toString());
    }
    // NOTE: the sandbox shows the JDK at its real path only (/usr/lib/jvm/java-1.17.0-openjdk-amd64
    // is a link on Debian), so the child is started by that path.
    javaExe = Path.of(opt.java).toRealPath().toString();
    childJdk = javaFeature(javaExe);
    if (opt.sandbox) {
      // NOTE: readable by all, because as root the child runs as nobody; nothing secret is here.
      makeReadable(privateDir);
      sandbox = Sandbox.probe(javaExe, privateDir, opt.dataDirs);
      if (!sandbox.available) {
        close();
        throw new SetupException(
            "cannot start the OS sandbox: "
                + sandbox.why
                + ". Untrusted work is not graded without it; to grade trusted work anyway, pass"
                + " --no-sandbox");
      }
      for (String h : hostClasspath) classpath.add(Sandbox.GRADER + "/" + Path.of(h).getFileName());
    } else {
      sandbox = Sandbox.unavailable("turned off with --no-sandbox");
      classpath.addAll(hostClasspath);
    }
    securityManager = opt.sandbox && childJdk <= 23;
  }

  /** What the reports say about the isolation in force. */
  public Map<String, Object> isolation() {
    Map<String, Object> m =
        sandbox.describe(limits(opt.totalTimeoutMs, opt.heapMb), securityManager);
    m.put("jdk", childJdk);
    m.put("java", opt.java);
    return m;
  }

  public String isolationSummary() {
    return sandbox.summary(securityManager) + ", JDK " + childJdk;
  }

  private Sandbox.Limits limits(long totalMs, int heapMb) {
    long cpu = 2 * totalMs / 1000 + 30; // both cores busy for the whole time, plus start-up
    return new Sandbox.Limits(
        cpu,
        (long) opt.scratchMb << 20,
        (long) opt.scratchMb << 20,
        ((long) heapMb << 20) + (3L << 30), // heap + the JVM's own reservations
        128);
  }

  /** The feature version (17, 25) of the JDK whose java is at the real path {@code javaExe}. */
  static int javaFeature(String javaExe) throws IOException {
    Path home = Path.of(javaExe).getParent().getParent();
    Path release = home.resolve("release");
    if (Files.isRegularFile(release))
      for (String line : Files.readAllLines(release)) {
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("^JAVA_VERSION=\"(1\\.)?(\\d+)").matcher(line);
        if (m.find()) return Integer.parseInt(m.group(2));
      }
    throw new IOException("cannot tell the version of the JDK at " + home + " (no release file)");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
  }

  private static void makeReadable(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator)
        Files.setPosixFilePermissions(
            p,
            java.nio.file.attribute.PosixFilePermissions.fromString(
                Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
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

  /**
   * One thing to evaluate in the child: an instructor cell ("setup", and "resetup" right before the
   * tests), a cell the student wrote ("cell", with the APIs it may not use), or one autograder test
   * cell ("test", with the lines of its hidden part, first and last, 0 for none).
   */
  record Unit(
      String kind,
      int cell,
      String id,
      String code,
      double points,
      String label,
      List<String> forbidden,
      long timeoutMs,
      int[] hidden,
      boolean noLoops) {
    static Unit instructor(String kind, String id, String code) {
      return new Unit(
          kind, 0, id, code, 0, "the set-up cell '" + id + "'", null, 0, new int[2], false);
    }

    boolean isInstructorStep() {
      return kind.equals("setup") || kind.equals("resetup");
    }
  }

  /** Limits for one submission: the options, raised where the exercise asks for more. */
  private record Budget(long totalMs, int heapMb) {}

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
    String notFile = notRegularFile(file);
    if (notFile != null) {
      r.status = "skipped";
      r.exercise = exercise;
      r.problems.add("not graded: " + notFile + "; only regular files are graded");
      return;
    }
    Notebook sub = null;
    String unreadable = null;
    try {
      sub = Notebook.parse(readBounded(file));
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
      if (c.isTest()) {
        String code = stripMagics(c.source());
        long ms = c.timeoutSeconds() > 0 ? (long) (c.timeoutSeconds() * 1000) : opt.cellTimeoutMs;
        tests.add(
            new Unit(
                "test",
                c.index(),
                c.gradeId(),
                code,
                c.points(),
                "the test '" + c.gradeId() + "'",
                null,
                ms,
                hiddenLines(code),
                false));
      }
    Map<String, Object> limits = src.grader();
    Budget budget =
        new Budget(
            Math.max(
                opt.totalTimeoutMs,
                limits.get("total_timeout") instanceof Number n
                    ? (long) (n.doubleValue() * 1000)
                    : 0),
            Math.max(opt.heapMb, limits.get("heap_mb") instanceof Number n ? n.intValue() : 0));

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
    Map<String, List<String>> forbiddenById = new HashMap<>();
    Set<String> allForbidden = new java.util.TreeSet<>();
    Set<String> noLoopIds = new HashSet<>();
    List<Unit> units = new ArrayList<>();
    for (Notebook.Cell c : src.cells()) {
      if (c.isSolution() && c.gradeId() != null) {
        forbiddenById.put(c.gradeId(), c.forbidden());
        allForbidden.addAll(c.forbidden());
        if (Boolean.FALSE.equals(c.grader().get("loops"))) noLoopIds.add(c.gradeId());
      }
      if (!c.isCode() || c.isSolution()) continue;
      if (c.gradeId() != null) instructorIds.add(c.gradeId());
      instructorText.add(c.source().strip());
      if (c.isLocked() && !c.isTest() && !stripMagics(c.source()).isBlank())
        units.add(Unit.instructor("setup", c.gradeId(), stripMagics(c.source())));
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
      // NOTE: the forbidden APIs come from the source notebook, never from the submission; a cell
      // that is not one of the answer cells (added, or its id changed) gets all of them.
      List<String> forbidden =
          id != null && forbiddenById.containsKey(id)
              ? forbiddenById.get(id)
              : List.copyOf(allForbidden);
      // A cell that is not an answer cell gets the strictest rules of any answer cell.
      boolean noLoops =
          id != null && forbiddenById.containsKey(id)
              ? noLoopIds.contains(id)
              : !noLoopIds.isEmpty();
      units.add(
          new Unit(
              "cell",
              c.index(),
              id,
              stripMagics(c.source()),
              0,
              "your cell " + c.index(),
              forbidden,
              opt.cellTimeoutMs,
              new int[2],
              noLoops));
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
    // NOTE: the instructor's cells run again right before the tests: it resets any state of theirs
    // the student's code changed. (Redefining or overloading their names is refused outright.)
    for (Unit u : List.copyOf(units))
      if (u.kind().equals("setup")) units.add(Unit.instructor("resetup", u.id(), u.code()));
    units.addAll(tests);

    Map<Integer, Map<String, Object>> results = run(units, budget);
    String instructorFailure = null;
    for (int i = 0; i < units.size() && instructorFailure == null; i++) {
      Unit u = units.get(i);
      Map<String, Object> res = results.get(i);
      if (u.isInstructorStep() && (res == null || !"ok".equals(res.get("status"))))
        instructorFailure =
            u.label()
                + (u.kind().equals("resetup") ? " (run again before the tests)" : "")
                + ": "
                + (res == null ? "not run" : res.get("status") + ": " + res.get("message"));
    }
    if (instructorFailure != null) {
      // NOTE: never grade without an instructor step: a student could crash it on purpose.
      r.status = "error";
      r.problems.add(
          "an instructor step failed, so this submission was not graded: " + instructorFailure);
    }
    for (int i = 0; i < units.size(); i++) {
      Unit u = units.get(i);
      Map<String, Object> res = results.get(i);
      String status = res == null ? "not-run" : (String) res.get("status");
      // NOTE: text from the child is cleaned where it enters a report (Report, Text).
      String message = res == null ? "not run" : (String) res.get("message");
      if (u.kind().equals("test")) {
        boolean ok = "ok".equals(status) && instructorFailure == null;
        String m =
            instructorFailure != null
                ? "not graded: an instructor step failed"
                : ok ? "passed" : testMessage(u, status, message, res, units);
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

  /** Why {@code file} is not graded (a link, FIFO, device or folder), or null for a plain file. */
  static String notRegularFile(Path file) {
    try {
      var a =
          Files.readAttributes(
              file,
              java.nio.file.attribute.BasicFileAttributes.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (a.isRegularFile()) return null;
      if (a.isSymbolicLink()) return "it is a symbolic link";
      if (a.isDirectory()) return "it is a folder";
      return "it is not a regular file (a FIFO, socket or device)";
    } catch (IOException e) {
      return "cannot read it (" + e + ")";
    }
  }

  /** The file as text, opened without following links, at most MAX_NOTEBOOK_BYTES. */
  private static String readBounded(Path file) throws IOException {
    try (var ch =
        Files.newByteChannel(
            file, java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
      while (ch.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
        if (out.size() > MAX_NOTEBOOK_BYTES)
          throw new Notebook.FormatException(
              "the file is larger than " + MAX_NOTEBOOK_BYTES / 1_000_000 + " MB (saved outputs?)");
      }
      return out.toString(StandardCharsets.UTF_8);
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

  /**
   * The student-facing message of a failed test: never the test's code, only what went wrong. A
   * failure in the hidden part says so without its message, which would show hidden inputs or
   * expected values.
   */
  private static String testMessage(
      Unit test, String status, String message, Map<String, Object> res, List<Unit> units) {
    if (res == null) return "not run";
    return switch (status) {
      case "compile" -> "the test cannot use your code: " + compileMessage(message);
      case "exception" -> {
        String where =
            res.get("atUnit") instanceof Number at
                ? " (" + where(units, at.intValue(), res) + ")"
                : "";
        String cls = res.get("exception") instanceof String c ? c : "";
        int line = res.get("unitLine") instanceof Number n ? n.intValue() : 0;
        boolean hidden =
            test.hidden()[0] > 0 && line >= test.hidden()[0] && line <= test.hidden()[1];
        if (!hidden || cls.equals("dl.grader.ForbiddenApiError")) yield message + where;
        if (cls.equals("java.lang.AssertionError"))
          yield "failed a hidden test (other inputs than the visible checks, which it passed)";
        yield "your code threw " + cls.replaceFirst("^.*[.$]", "") + " in a hidden test" + where;
      }
      default -> message;
    };
  }

  /** The first and last line (1-based) of the hidden-tests region of a test cell, or {0, 0}. */
  static int[] hiddenLines(String code) {
    String[] lines = code.split("\n", -1);
    int begin = 0, end = 0;
    for (int i = 0; i < lines.length; i++) {
      if (begin == 0 && lines[i].contains(Release.BEGIN_HIDDEN)) begin = i + 1;
      else if (begin > 0 && lines[i].contains(Release.END_HIDDEN)) end = i + 1;
    }
    return begin > 0 && end > begin ? new int[] {begin, end} : new int[2];
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
  private Map<Integer, Map<String, Object>> run(List<Unit> units, Budget budget)
      throws IOException, InterruptedException {
    Map<Integer, Map<String, Object>> results = new HashMap<>();
    Set<Integer> skip = new HashSet<>();
    long deadline = System.nanoTime() + budget.totalMs() * 1_000_000;
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
      Integer crashed = runChild(units, todo, results, deadline, budget);
      if (crashed == null) break; // finished, or out of total time (already recorded)
      if (units.get(crashed).isInstructorStep()) break; // reported as a grading error
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
      long deadline,
      Budget budget)
      throws IOException, InterruptedException {
    // In the sandbox the scratch folder is a tmpfs that disappears with the child; without it, a
    // fresh folder here that is deleted afterwards.
    Path hostScratch = sandbox.available ? null : Files.createTempDirectory("dl-grader-scratch-");
    String scratch = sandbox.available ? Sandbox.SCRATCH : hostScratch.toString();
    String nonce = HexFormat.of().formatHex(seed());
    List<String> cmd =
        new ArrayList<>(
            List.of(
                javaExe,
                "-Xmx" + budget.heapMb() + "m",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseSerialGC",
                // NOTE: C1 only starts JShell faster; an exercise that trains a network asks for
                // more time and gets the optimising compiler too.
                budget.totalMs() > 60_000 ? "-XX:TieredStopAtLevel=4" : "-XX:TieredStopAtLevel=1",
                "--add-modules=jdk.incubator.vector", // the library's SIMD kernels
                "-XX:ReservedCodeCacheSize=64m",
                "-XX:CompressedClassSpaceSize=128m",
                "-Djava.awt.headless=true",
                "-Djava.io.tmpdir=" + scratch,
                "-Duser.home=" + scratch,
                "-Ddl.backend=cpu",
                "-cp",
                String.join(java.io.File.pathSeparator, classpath),
                Runner.class.getName()));
    if (securityManager) cmd.addAll(cmd.size() - 4, securityManagerOptions(scratch));
    if (sandbox.available)
      cmd = sandbox.wrap(cmd, privateDir, limits(budget.totalMs(), budget.heapMb()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (hostScratch != null) pb.directory(hostScratch.toFile());
    pb.environment().clear();
    pb.environment().put("HOME", scratch);
    pb.environment().put("TMPDIR", scratch);
    pb.environment().put("LANG", "C.UTF-8");
    pb.environment().put("MALLOC_ARENA_MAX", "2"); // glibc's arenas would eat the address space
    if (hostScratch != null && !opt.dataDirs.isEmpty()) {
      Path mnist = opt.dataDirs.get(0);
      if (mnist.getParent() != null) pb.environment().put("DL_DATA", mnist.getParent().toString());
    }
    Process p = pb.start();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    StringBuilder stderrTail = new StringBuilder();
    StringBuilder stdoutTail = new StringBuilder();
    Thread out = daemon(() -> readEvents(p.getInputStream(), nonce, events, stdoutTail));
    Thread err = daemon(() -> drainTail(p.getErrorStream(), stderrTail));
    try {
      List<Object> jobUnits = new ArrayList<>();
      for (int i : todo) {
        Unit unit = units.get(i);
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("kind", unit.kind());
        u.put("code", unit.code());
        u.put("label", unit.label());
        if (unit.forbidden() != null) u.put("forbidden", new ArrayList<Object>(unit.forbidden()));
        if (unit.timeoutMs() > 0) u.put("timeoutMs", unit.timeoutMs());
        if (unit.noLoops()) u.put("noLoops", true);
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
        long unitMs =
            current >= 0 && units.get(todo.get(current)).timeoutMs() > 0
                ? units.get(todo.get(current)).timeoutMs()
                : opt.cellTimeoutMs;
        long unitDeadline = current >= 0 ? unitStart + unitMs * 1_000_000 + grace : Long.MAX_VALUE;
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
                      + unitMs / 1000.0
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
                  ? "ran out of memory (the heap limit is " + budget.heapMb() + " MB)"
                  : code == 128 + 24 || code == 128 + 9 && tail.contains("CPU")
                      ? "used up its CPU time limit"
                      : "the JVM stopped with exit code "
                          + code
                          + " (System.exit or Runtime.halt called by the submission?)";
          if (current < 0) {
            String msg =
                "not run: the grader's JVM stopped before this (exit code "
                    + code
                    + (tail.isBlank() ? "" : ": " + Text.clean(tail.strip(), 300, 3))
                    + ")";
            for (int i : todo) results.putIfAbsent(i, result("error", msg));
            return null;
          }
          int g = todo.get(current);
          Map<String, Object> res = result("crash", why);
          results.put(g, res);
          return g;
        }
        Map<String, Object> ev;
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> parsed = (Map<String, Object>) Json.parse(line);
          ev = parsed;
        } catch (RuntimeException bad) {
          continue; // cannot come from the runner, which writes whole lines of valid JSON
        }
        switch (String.valueOf(ev.get("ev"))) {
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
            // The runner ends itself after a unit that left a thread running.
            if (Boolean.TRUE.equals(ev.get("restart"))) return todo.get(local);
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
      if (hostScratch != null) deleteTree(hostScratch);
    }
  }

  /**
   * The Security Manager and a policy that gives the grader's own runner (and the JDK's compiler
   * and JShell, which it drives) every permission, and the submission (and the library, whenever
   * the submission calls it) only: read and write in the scratch folder, read system properties. So
   * reading the solutions, writing elsewhere, starting processes, opening sockets and System.exit
   * throw a SecurityException inside the cell.
   */
  private List<String> securityManagerOptions(String scratch) throws IOException {
    StringBuilder policy = new StringBuilder();
    for (String trusted : List.of("jrt:/jdk.jshell", "jrt:/jdk.compiler", "jrt:/jdk.internal.opt"))
      policy.append(grantAll(trusted));
    Path runner = Path.of(classpath.get(0));
    boolean folder = Files.isDirectory(Path.of(hostClasspath.get(0)));
    String runnerUri = runner.toUri().toString();
    if (folder && !runnerUri.endsWith("/")) runnerUri += "/";
    policy.append(grantAll(folder ? runnerUri + "-" : runnerUri));
    String dir = scratch.replace("\\", "\\\\").replace("\"", "\\\"");
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
        .append(dataReadPermissions())
        .append("  permission java.lang.RuntimePermission \"getenv.*\";\n")
        // the library's CPU backend runs large ops on a thread pool
        .append("  permission java.lang.RuntimePermission \"modifyThread\";\n")
        .append("};\n");
    Path file = privateDir.resolve("child.policy");
    if (!Files.exists(file)) {
      Path tmp = Files.createTempFile(privateDir, "child-", ".tmp");
      Files.writeString(tmp, policy.toString());
      Files.setPosixFilePermissions(
          tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    String inside = sandbox.available ? Sandbox.GRADER + "/child.policy" : file.toString();
    // NOTE: "=" adds to the JDK's default policy, which the JDK's own optional modules need.
    return List.of(
        "-Djava.security.manager",
        "-Djava.security.policy=" + inside,
        "-Djava.util.concurrent.ForkJoinPool.common.threadFactory=" + PoolThreads.class.getName());
  }

  /** Read access to the data sets the sandbox shows (the library finds them through DL_DATA). */
  private String dataReadPermissions() {
    StringBuilder b = new StringBuilder();
    for (String dir : List.of(Sandbox.DATA, "/usr/share/datasets"))
      b.append("  permission java.io.FilePermission \"")
          .append(dir)
          .append("\", \"read\";\n  permission java.io.FilePermission \"")
          .append(dir)
          .append("/-\", \"read\";\n");
    return b.toString();
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

  /** Deletes a folder, even one where the submission made folders read-only. */
  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .forEach(
              p -> {
                p.toFile().setWritable(true, true);
                p.toFile().setExecutable(true, true);
                p.toFile().setReadable(true, true);
              });
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // what stays unreadable is left; the delete below is best effort too
    }
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
