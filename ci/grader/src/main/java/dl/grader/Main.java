package dl.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Command line: {@code grade} submissions, or {@code release} the student versions.
 *
 * <pre>
 * java -jar ci/grader/target/dl-grader.jar grade SUBMISSION.ipynb|FOLDER... [--exercise NAME]
 *      [--json OUT] [--junit OUT] [--jobs N] [--cell-timeout S] [--total-timeout S] [--heap MB]
 *      [--solutions DIR] [--lib JAR] [--expect-percent P] [--expect FILE]
 * java -jar ci/grader/target/dl-grader.jar release [--check] [--solutions DIR] [--out DIR]
 * </pre>
 */
public final class Main {
  private Main() {}

  private static final String USAGE =
      """
      usage: grade SUBMISSION.ipynb|FOLDER... [options]
               --exercise NAME      the exercise (default: from the file name or its cell ids)
               --json OUT           JSON report (a folder when grading several submissions)
               --junit OUT          JUnit XML report (a folder when grading several)
               --jobs N             submissions graded at once (default 1)
               --cell-timeout S     per-cell and per-test time limit (default 10)
               --total-timeout S    time limit for one submission (default 60)
               --heap MB            heap limit of the JVM running a submission (default 512)
               --solutions DIR      the source notebooks (default: solutions/ of this repository)
               --lib JAR            the library (default: lib/target/dl-lib-all.jar)
               --java PATH          the java that runs submissions (default: the grader's own)
               --no-sandbox         grade TRUSTED work without the OS sandbox (bubblewrap) and the
                                    Security Manager; without this option the grader refuses to
                                    grade when the sandbox cannot start
               --expect-percent P   exit 1 unless every submission scores P%% (for CI)
               --expect FILE        exit 1 unless each submission listed in FILE ("name score
                                    [status]" per line) gets that score and status (for CI)
             release [--check] [--solutions DIR] [--out DIR]
               writes exercises/ from solutions/; --check only reports differences
      """;

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  static int run(String[] args) throws Exception {
    if (args.length == 0) return usage("no command");
    Path root = repoRoot();
    Grader.Options o = new Grader.Options();
    o.solutions = root.resolve("solutions");
    o.libJar = root.resolve("lib/target/dl-lib-all.jar");
    o.runnerJar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    o.dataDirs.add(root.resolve("data/mnist"));
    o.dataDirs.add(Path.of("/usr/share/datasets/fashion-mnist"));
    Path out = root.resolve("exercises");
    String exercise = null, json = null, junit = null, expectFile = null;
    Double expectPercent = null;
    boolean check = false;
    int jobs = 1;
    List<Path> inputs = new ArrayList<>();
    String cmd = args[0];
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        inputs.add(Path.of(a));
        continue;
      }
      if (a.equals("--check")) {
        check = true;
        continue;
      }
      if (a.equals("--no-sandbox")) {
        o.sandbox = false;
        continue;
      }
      if (i + 1 >= args.length) return usage(a + " needs a value");
      String v = args[++i];
      switch (a) {
        case "--exercise" -> exercise = v;
        case "--json" -> json = v;
        case "--junit" -> junit = v;
        case "--jobs" -> jobs = Integer.parseInt(v);
        case "--cell-timeout" -> o.cellTimeoutMs = (long) (Double.parseDouble(v) * 1000);
        case "--total-timeout" -> o.totalTimeoutMs = (long) (Double.parseDouble(v) * 1000);
        case "--heap" -> o.heapMb = Integer.parseInt(v);
        case "--solutions" -> o.solutions = Path.of(v);
        case "--lib" -> o.libJar = Path.of(v);
        case "--java" -> o.java = v;
        case "--out" -> out = Path.of(v);
        case "--expect-percent" -> expectPercent = Double.parseDouble(v);
        case "--expect" -> expectFile = v;
        default -> {
          return usage("unknown option " + a);
        }
      }
    }
    if (cmd.equals("release")) {
      List<String> problems = Release.run(o.solutions, out, check);
      problems.forEach(p -> System.err.println("ERROR: " + p));
      if (problems.isEmpty())
        System.out.println(
            check
                ? out + " is up to date with " + o.solutions
                : "wrote " + out + " from " + o.solutions);
      else if (check)
        System.err.println("run `bash ci/grader/make-exercises.sh` to regenerate " + out);
      return problems.isEmpty() ? 0 : 1;
    }
    if (!cmd.equals("grade")) return usage("unknown command " + cmd);
    if (inputs.isEmpty()) return usage("no submission given");
    if (!Files.isRegularFile(o.libJar))
      return fail(
          "the library jar "
              + o.libJar
              + " is missing: build it with `mvn -B -q -pl lib -am package -DskipTests`");

    if (!Files.isExecutable(Path.of(o.java)))
      return fail("--java: no executable java at " + o.java);
    List<Path> files = new ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
        files.addAll(candidates(p));
      else files.add(p);
    }
    boolean many = files.size() > 1 || inputs.stream().anyMatch(Files::isDirectory);
    Grader g;
    try {
      g = new Grader(o);
    } catch (Grader.SetupException e) {
      return fail(e.getMessage());
    }
    System.out.println("isolation: " + g.isolationSummary());
    List<Report> reports = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
    try {
      List<Future<Report>> futures = new ArrayList<>();
      final String ex = exercise;
      for (Path f : files) futures.add(pool.submit(() -> g.grade(f, ex)));
      final Grader grader = g;
      for (Future<Report> fu : futures) {
        Report r;
        try {
          r = fu.get();
        } catch (
            java.util.concurrent.ExecutionException
                e) { // grade() catches everything; belt and braces
          r = new Report();
          r.submission = files.get(futures.indexOf(fu)).toString();
          r.status = "error";
          r.problems.add("the grader failed: " + e.getCause());
        }
        r.isolation = grader.isolation();
        r.isolationSummary = grader.isolationSummary();
        reports.add(r);
        System.out.print(r.summary());
        System.out.flush();
        String stem = Path.of(r.submission).getFileName().toString().replaceFirst("\\.ipynb$", "");
        if (json != null)
          write(many ? Path.of(json, stem + ".json") : Path.of(json), Json.pretty(r.toJson()));
        if (junit != null)
          write(many ? Path.of(junit, "TEST-" + stem + ".xml") : Path.of(junit), r.toJUnit());
      }
    } finally {
      pool.shutdownNow();
      g.close();
    }
    if (many && json != null) {
      List<Object> all = new ArrayList<>();
      for (Report r : reports) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("submission", r.submission);
        m.put("exercise", r.exercise);
        m.put("status", r.status);
        m.put("score", r.score());
        m.put("max_score", r.maxScore());
        m.put("isolation", r.isolationSummary);
        all.add(m);
      }
      write(Path.of(json, "summary.json"), Json.pretty(all));
    }
    int failures = 0;
    if (expectPercent != null) {
      for (Report r : reports) {
        if (Math.abs(r.percent() - expectPercent) > 1e-9 || r.status.equals("error")) {
          System.err.printf(
              Locale.ROOT,
              "EXPECTATION FAILED: %s scored %.1f%% (%s), expected %.1f%%%n",
              r.submission,
              r.percent(),
              r.status,
              expectPercent);
          failures++;
        }
        if (expectPercent == 0) failures += checkClean(r);
      }
    }
    if (expectFile != null) failures += checkExpected(reports, Path.of(expectFile));
    System.out.printf(
        Locale.ROOT,
        "%d submission%s graded%s%n",
        reports.size(),
        reports.size() == 1 ? "" : "s",
        failures == 0 ? "" : ", " + failures + " expectation(s) FAILED");
    return failures == 0 ? 0 : 1;
  }

  /**
   * An untouched exercise must fail each test because of the stub ("not implemented yet"), not
   * because of a grader error, a compile error or a crash.
   */
  private static int checkClean(Report r) {
    int bad = 0;
    if (!r.status.equals("graded")) bad++;
    for (Report.TestResult t : r.tests)
      if (t.passed() || t.message() == null || !t.message().contains("not implemented yet")) bad++;
    if (r.tests.isEmpty()) bad++;
    if (bad > 0)
      System.err.println("EXPECTATION FAILED: " + r.submission + " did not fail cleanly");
    return bad;
  }

  private static int checkExpected(List<Report> reports, Path file) throws IOException {
    int failures = 0;
    for (String line : Files.readAllLines(file)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) continue;
      String[] f = t.split("\\s+");
      Report r =
          reports.stream()
              .filter(x -> Path.of(x.submission).getFileName().toString().equals(f[0]))
              .findFirst()
              .orElse(null);
      if (r == null) {
        System.err.println("EXPECTATION FAILED: " + f[0] + " was not graded");
        failures++;
        continue;
      }
      double want = Double.parseDouble(f[1]);
      String status = f.length > 2 ? f[2] : "graded";
      if (Math.abs(r.score() - want) > 1e-9 || !r.status.equals(status)) {
        System.err.printf(
            Locale.ROOT,
            "EXPECTATION FAILED: %s scored %s (%s), expected %s (%s)%n",
            f[0],
            Report.num(r.score()),
            r.status,
            Report.num(want),
            status);
        failures++;
      }
    }
    return failures;
  }

  /** Written to a temporary file first and renamed, so a report is never half written. */
  private static void write(Path p, String text) throws IOException {
    Path dir = p.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".report-", ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(
          tmp,
          p,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The notebooks in a folder. Only regular files are graded: a symlink (to a solution, to
   * /dev/zero), a FIFO (which would block the read forever) or a device is listed as skipped.
   */
  private static List<Path> candidates(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (var s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator)
        if (p.getFileName().toString().endsWith(".ipynb")) out.add(p);
    }
    return out;
  }

  /**
   * The repository: the folder above ci/grader/target/dl-grader.jar, else the working directory.
   */
  static Path repoRoot() throws Exception {
    Path here = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    for (Path p = here; p != null; p = p.getParent())
      if (Files.isDirectory(p.resolve("solutions")) && Files.isDirectory(p.resolve("lib")))
        return p;
    return Path.of("").toAbsolutePath();
  }

  private static int usage(String why) {
    System.err.println("ERROR: " + why);
    System.err.print(USAGE.replace("%%", "%"));
    return 2;
  }

  private static int fail(String why) {
    System.err.println("ERROR: " + why);
    return 2;
  }
}
