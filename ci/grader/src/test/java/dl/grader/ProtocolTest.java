package dl.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;

/** The grader's defences below the fixtures: the execution control, the API lists, the reports. */
class ProtocolTest {

  private static SnippetEvent last(List<SnippetEvent> events) {
    return events.get(events.size() - 1);
  }

  @Test
  void threadDeathIsAFailureNotANormalEnd() {
    GradingControl.Provider provider = new GradingControl.Provider();
    try (JShell shell = JShell.builder().executionEngine(provider, Map.of()).build()) {
      // As instructor code, so the API lists do not stop it first: this checks the protocol layer.
      provider.control.enter(0, false, "test", null, false);
      SnippetEvent ev = last(shell.eval("if (true) throw new ThreadDeath();"));
      assertNotNull(ev.exception(), "ThreadDeath must not count as a normal end");
      assertEquals(
          "java.lang.ThreadDeath", ((EvalException) ev.exception()).getExceptionClassName());
    }
  }

  @Test
  void studentCodeIsCheckedThroughTheHelpersItCalls() {
    GradingControl.Provider provider = new GradingControl.Provider();
    try (JShell shell = JShell.builder().executionEngine(provider, Map.of()).build()) {
      provider.control.enter(0, false, "the set-up cell 'setup'", null, false);
      shell.eval("double helper(double x) { return java.lang.StrictMath.sqrt(x); }");
      provider.control.enter(1, true, "your cell 5", List.of("java.lang.StrictMath#sqrt"), false);
      shell.eval("double answer(double x) { return helper(x); }");
      assertNotNull(provider.control.violationIn(1), "the helper reaches a forbidden API");
      provider.control.enter(2, false, "the test 'test_answer'", null, false);
      SnippetEvent ev = last(shell.eval("answer(4.0);"));
      assertNotNull(ev.exception());
      String m = ev.exception().getMessage();
      assertTrue(m.contains("StrictMath.sqrt") && m.contains("through"), m);
      // A test may use the API itself.
      assertNull(last(shell.eval("java.lang.StrictMath.sqrt(4.0);")).exception());
    }
  }

  @Test
  void anAnswerFirstCompiledDuringATestIsStillTheStudents() {
    GradingControl.Provider provider = new GradingControl.Provider();
    try (JShell shell = JShell.builder().executionEngine(provider, Map.of()).build()) {
      GradingControl control = provider.control;
      control.enter(1, true, "your cell 5", List.of("java.lang.StrictMath#sqrt"), false);
      // `later` is declared only by the test below, so this is first compiled for real there.
      for (SnippetEvent e :
          shell.eval("double answer() { Object t = later; return java.lang.StrictMath.sqrt(4); }"))
        control.claim(e.snippet().id());
      control.enter(2, false, "the test 'test_answer'", null, false);
      for (SnippetEvent e : shell.eval("int later = 1;"))
        if (e.causeSnippet() == null) control.claim(e.snippet().id());
      SnippetEvent ev = last(shell.eval("answer();"));
      assertNotNull(ev.exception(), "the recompiled answer must still be checked as the student's");
      assertTrue(
          ev.exception().getMessage().contains("StrictMath.sqrt"), ev.exception().getMessage());
    }
  }

  @Test
  void lambdasAndStringConcatenationAreNotReflection() {
    GradingControl.Provider provider = new GradingControl.Provider();
    try (JShell shell = JShell.builder().executionEngine(provider, Map.of()).build()) {
      provider.control.enter(1, true, "your cell 1", List.of(), false);
      SnippetEvent ev =
          last(
              shell.eval(
                  "java.util.function.IntUnaryOperator f = i -> i + 1; String s = \"a\" + f.applyAsInt(1);"));
      assertNull(ev.exception(), () -> ev.exception().getMessage());
      assertNull(provider.control.violationIn(1));
    }
  }

  @Test
  void aWholeTensorCellMayNotLoopOrRecurse() {
    GradingControl.Provider provider = new GradingControl.Provider();
    try (JShell shell = JShell.builder().executionEngine(provider, Map.of()).build()) {
      GradingControl control = provider.control;
      int unit = 0;
      for (String code :
          List.of(
              "double a(double[] x) { double s = 0; for (double v : x) s += v; return s; }",
              "double b(double[] x, int i) { return i == x.length ? 0 : x[i] + b(x, i + 1); }",
              "double c(double[] x) { int i = 0; double s = 0; while (i < x.length) s += x[i++]; return s; }")) {
        control.enter(++unit, true, "your cell " + unit, List.of(), true);
        for (SnippetEvent e : shell.eval(code)) control.claim(e.snippet().id());
        assertNotNull(control.violationIn(unit), code);
      }
      control.enter(++unit, true, "your cell " + unit, List.of(), true);
      for (SnippetEvent e :
          shell.eval(
              "double d(double[] x) { return x.length > 0 ? x[0] : java.lang.Math.abs(-1); }"))
        control.claim(e.snippet().id());
      assertNull(control.violationIn(unit), "no loop here");
    }
  }

  @Test
  void aStudentClassThatBreaksARuleIsNeverInstalled() {
    GradingControl.Provider provider = new GradingControl.Provider();
    try (JShell shell = JShell.builder().executionEngine(provider, Map.of()).build()) {
      GradingControl control = provider.control;
      control.enter(1, true, "your cell 1", List.of("java.lang.StrictMath#sqrt"), false);
      String id = null;
      for (SnippetEvent e :
          shell.eval("class Evil { public double f() { return java.lang.StrictMath.sqrt(2); } }")) {
        control.claim(e.snippet().id());
        id = e.snippet().id();
      }
      assertNotNull(control.violationIn(1));
      // Instructor code loading it by name (as a route no rule foresees would) finds nothing.
      control.enter(2, false, "the test 'test_x'", null, false);
      SnippetEvent ev =
          last(
              shell.eval(
                  "new Object() {}.getClass().getClassLoader().loadClass(\"REPL.$JShell$"
                      + id
                      + "$Evil\");"));
      assertNotNull(ev.exception(), "the class must not be loadable");
      assertTrue(
          ((EvalException) ev.exception()).getExceptionClassName().contains("ClassNotFound"),
          ((EvalException) ev.exception()).getExceptionClassName());
    }
  }

  @Test
  void patternsMatchPackagesClassesAndMembers() {
    assertTrue(ForbiddenApis.matchesClass("dl.*", "dl/nn/Perceptron"));
    assertFalse(ForbiddenApis.matchesClass("dl.*", "dlx/Other"));
    assertTrue(ForbiddenApis.matchesClass("dl.nn.Perceptron", "dl/nn/Perceptron$Inner"));
    assertFalse(ForbiddenApis.matchesClass("dl.nn.Perceptron", "dl/nn/PerceptronX"));
    assertTrue(
        ForbiddenApis.matchesMember("dl.tensor.Tensor#softmax", "dl/tensor/Tensor", "softmax"));
    assertFalse(ForbiddenApis.matchesMember("dl.tensor.Tensor#softmax", "dl/tensor/Tensor", "exp"));
    assertNull(ForbiddenApis.checkPattern("dl.tensor.Tensor#softmax"));
    assertNotNull(ForbiddenApis.checkPattern("dl.tensor.Tensor#"));
    assertNotNull(ForbiddenApis.checkPattern("rm -rf"));
  }

  @Test
  void reportsNeutraliseEscapesAndStayWellFormedXml() throws Exception {
    String nasty =
        "\u001b[2K\r  PASS  fake 4/4 \u0000 \u0007 \b \f \u202e kcab \ud800 ]]> </failure> & \"'<"
            + "x".repeat(3_000_000);
    Report r = new Report();
    r.submission = "sub\u001b[31m.ipynb";
    r.exercise = "ex01";
    r.problems.add(nasty);
    r.tests.add(new Report.TestResult("t\u001b", 0, 1, false, nasty));
    r.cells.add(new Report.CellResult(3, "x", "exception", nasty, 1, nasty));
    String xml = r.toJUnit();
    DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    String console = r.summary();
    String json = Json.pretty(r.toJson());
    for (String s : List.of(console, json))
      for (char c : s.toCharArray())
        assertFalse(
            c == 0x1b || c == '\r' || c == 0 || c == 0x202e,
            "raw control character in " + s.substring(0, 200));
    assertTrue(json.length() < 100_000, "messages are capped: " + json.length());
    assertFalse(console.contains("\n  PASS  fake"), "no fake PASS line");
  }
}
