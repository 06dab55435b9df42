package dl.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Grades fixtures in a real child JVM; needs lib/target/dl-lib-all.jar (built before this module).
 */
class GraderEndToEndTest {
  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  static final Path FIXTURES = ROOT.resolve("ci/grader/fixtures");
  static Path runnerJar;
  static Grader sandboxed;
  static Grader plain;

  static Grader.Options options(boolean sandbox) {
    Grader.Options o = new Grader.Options();
    o.solutions = ROOT.resolve("solutions");
    o.libJar = ROOT.resolve("lib/target/dl-lib-all.jar");
    o.runnerJar = runnerJar;
    o.cellTimeoutMs = 3_000;
    o.sandbox = sandbox;
    return o;
  }

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        Files.isRegularFile(ROOT.resolve("lib/target/dl-lib-all.jar")),
        "build the library first (mvn -pl lib package)");
    runnerJar = jarOfClasses(Path.of("target/classes"));
    sandboxed = new Grader(options(true));
    plain = new Grader(options(false));
  }

  /** The grader as a jar, as it runs for real (the child's class path must not name the repo). */
  static Path jarOfClasses(Path classes) throws Exception {
    Path jar = Files.createTempFile("dl-grader-test-", ".jar");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        var files = Files.walk(classes)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(
            new java.util.jar.JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(p));
        out.closeEntry();
      }
    }
    return jar;
  }

  @AfterAll
  static void stop() throws Exception {
    if (runnerJar != null) Files.deleteIfExists(runnerJar);
    if (sandboxed != null) sandboxed.close();
    if (plain != null) plain.close();
  }

  static Report grade(Grader g, String fixture) {
    return g.grade(FIXTURES.resolve("ex01-perceptron--" + fixture + ".ipynb"), null);
  }

  @Test
  void aCompleteSubmissionScoresEverything() {
    Report r = grade(sandboxed, "complete");
    assertEquals("ex01-perceptron", r.exercise, "exercise guessed from the file name");
    assertEquals(10, r.score(), r.summary());
    assertEquals(10, r.maxScore());
  }

  @Test
  void aCompileErrorIsReportedWithItsCellAndLineAndOnlyItsTestsFail() {
    Report r = grade(sandboxed, "compile-error");
    assertEquals(2, r.score(), r.summary());
    Report.CellResult bad =
        r.cells.stream().filter(c -> c.status().equals("compile")).findFirst().orElseThrow();
    assertEquals(8, bad.cell());
    assertEquals(5, bad.line());
    assertTrue(bad.message().contains("';' expected"), bad.message());
  }

  @Test
  void systemExitIsRefusedInTheCompiledCodeAndTheOtherTestsStillRun() {
    Report r = grade(plain, "system-exit");
    assertEquals(6, r.score(), r.summary());
    assertTrue(r.tests.stream().anyMatch(t -> t.message().contains("System.exit")), r.summary());
  }

  @Test
  void runningOutOfMemoryEndsTheChildWhichRestartsWithoutThatCell() {
    Report r = grade(sandboxed, "out-of-memory");
    assertEquals(10, r.score(), r.summary());
    assertTrue(r.cells.stream().anyMatch(c -> c.status().equals("crash")), r.summary());
  }

  @Test
  void anEndlessLoopIsStoppedAtTheCellTimeLimit() {
    Report r = grade(sandboxed, "infinite-loop");
    assertEquals(6, r.score(), r.summary());
    assertTrue(r.seconds < 30, "took " + r.seconds + " s");
  }

  @Test
  void feedbackNeverShowsHiddenTestCode() {
    Report r = grade(sandboxed, "edited-test");
    String everything = Json.compact(r.toJson()) + r.toJUnit() + r.summary();
    assertFalse(everything.contains("java.util.Random"), "hidden test code leaked");
    assertFalse(everything.contains("BEGIN HIDDEN"), "hidden test code leaked");
    assertEquals(2, r.score(), r.summary());
  }

  @Test
  void aFailureInTheHiddenTestsDoesNotShowItsInputs() {
    Report r =
        sandboxed.grade(
            ROOT.resolve("ci/grader/fixtures/attacks/ex01-perceptron--wrong-on-hidden.ipynb"),
            null);
    Report.TestResult predict = r.tests.get(0);
    assertFalse(predict.passed(), r.summary());
    assertTrue(predict.message().startsWith("failed a hidden test"), predict.message());
    assertFalse(predict.message().matches(".*\\d.*"), "no numbers: " + predict.message());
  }

  @Test
  void everyReportSaysWhichIsolationWasInForce() {
    assertTrue(sandboxed.isolationSummary().startsWith("OS sandbox"), sandboxed.isolationSummary());
    assertTrue(plain.isolationSummary().startsWith("NO OS sandbox"), plain.isolationSummary());
    assertEquals("none", plain.isolation().get("os_sandbox"));
  }
}
