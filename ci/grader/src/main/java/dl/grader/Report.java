package dl.grader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The result of grading one submission: per test pass/fail and points, per cell what happened. */
public final class Report {
  /** "graded", "unreadable" (not a notebook), "wrong-exercise", or "error" (the grader failed). */
  public String status = "graded";

  public String submission;
  public String exercise;
  public final List<String> problems = new ArrayList<>();
  public final List<CellResult> cells = new ArrayList<>();
  public final List<TestResult> tests = new ArrayList<>();
  public double seconds;

  /** The isolation the submission ran under (OS sandbox, Security Manager, limits, JDK). */
  public Map<String, Object> isolation = new LinkedHashMap<>();

  /** One line saying the same, for the console. */
  public String isolationSummary = "";

  /**
   * What one submitted (or instructor) code cell did. {@code cell} is the 1-based cell number in
   * the submission (0 for instructor cells, which are named by {@code id}).
   */
  public record CellResult(
      int cell, String id, String status, String message, int line, String output) {}

  /** One hidden test: its name (the test cell's grade_id), points and student-facing message. */
  public record TestResult(
      String name, double points, double maxPoints, boolean passed, String message) {}

  public double score() {
    return tests.stream().mapToDouble(TestResult::points).sum();
  }

  public double maxScore() {
    return tests.stream().mapToDouble(TestResult::maxPoints).sum();
  }

  public double percent() {
    return maxScore() == 0 ? 0 : 100 * score() / maxScore();
  }

  static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d);
  }

  // ---------------------------------------------------------------- formats

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("submission", submission);
    m.put("exercise", exercise);
    m.put("status", status);
    m.put("score", score());
    m.put("max_score", maxScore());
    m.put("percent", Math.round(percent() * 100) / 100.0);
    m.put("seconds", Math.round(seconds * 100) / 100.0);
    m.put("isolation", isolation);
    List<Object> ps = new ArrayList<>();
    for (String p : problems) ps.add(Text.clean(p));
    m.put("problems", ps);
    List<Object> ts = new ArrayList<>();
    for (TestResult t : tests) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("name", Text.clean(t.name()));
      j.put("passed", t.passed());
      j.put("points", t.points());
      j.put("max_points", t.maxPoints());
      j.put("message", Text.clean(t.message()));
      ts.add(j);
    }
    m.put("tests", ts);
    List<Object> cs = new ArrayList<>();
    for (CellResult c : cells) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("cell", (long) c.cell());
      j.put("id", Text.clean(c.id()));
      j.put("status", c.status());
      j.put("message", Text.clean(c.message()));
      if (c.line() > 0) j.put("line", (long) c.line());
      j.put("output", Text.cleanOutput(c.output()));
      cs.add(j);
    }
    m.put("cells", cs);
    return m;
  }

  /** JUnit XML (one testsuite, one testcase per hidden test) for CI dashboards. */
  public String toJUnit() {
    long failures = tests.stream().filter(t -> !t.passed()).count();
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    String suite = exercise + " (" + submission + ")";
    b.append("<testsuite name=\"")
        .append(xml(suite))
        .append("\" tests=\"")
        .append(tests.size())
        .append("\" failures=\"")
        .append(failures)
        .append("\" errors=\"0\" skipped=\"0\" time=\"")
        .append(String.format(Locale.ROOT, "%.3f", seconds))
        .append("\">\n");
    b.append("  <properties>\n");
    prop(b, "status", status);
    prop(b, "score", num(score()));
    prop(b, "max_score", num(maxScore()));
    prop(b, "isolation", isolationSummary);
    for (int i = 0; i < problems.size(); i++) prop(b, "problem." + (i + 1), problems.get(i));
    b.append("  </properties>\n");
    for (TestResult t : tests) {
      b.append("  <testcase classname=\"")
          .append(xml(exercise))
          .append("\" name=\"")
          .append(xml(t.name() + " (" + num(t.maxPoints()) + " points)"))
          .append("\"");
      if (t.passed()) b.append("/>\n");
      else {
        b.append(">\n    <failure message=\"")
            .append(xml(t.message()))
            .append("\">")
            .append(xml(t.message()))
            .append("</failure>\n  </testcase>\n");
      }
    }
    StringBuilder out = new StringBuilder();
    for (CellResult c : cells)
      if (!"ok".equals(c.status()))
        out.append(cellLabel(c)).append(": ").append(c.message()).append('\n');
    for (String p : problems) out.append(p).append('\n');
    if (out.length() > 0)
      b.append("  <system-out>").append(xml(out.toString())).append("</system-out>\n");
    return b.append("</testsuite>\n").toString();
  }

  private static void prop(StringBuilder b, String name, String value) {
    b.append("    <property name=\"")
        .append(xml(name))
        .append("\" value=\"")
        .append(xml(value))
        .append("\"/>\n");
  }

  /**
   * Escaped for XML 1.0, after {@link Text#clean} (which turns everything XML cannot carry, such as
   * control characters and unpaired surrogates, into visible escapes).
   */
  static String xml(String s) {
    if (s == null) return "";
    String t = Text.clean(s, Integer.MAX_VALUE, Integer.MAX_VALUE);
    StringBuilder b = new StringBuilder(t.length() + 16);
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\n' -> b.append("&#10;");
        case '\t' -> b.append("&#9;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  static String cellLabel(CellResult c) {
    return c.cell() > 0 ? "cell " + c.cell() : "instructor cell '" + oneLine(c.id()) + "'";
  }

  /** The readable summary printed on the console. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%s  [%s]  %s/%s points (%.0f%%)  %.1f s%s%n",
            oneLine(submission),
            exercise == null ? "?" : oneLine(exercise),
            num(score()),
            num(maxScore()),
            percent(),
            seconds,
            "graded".equals(status) ? "" : "  " + status.toUpperCase(Locale.ROOT)));
    if (!isolationSummary.isEmpty())
      b.append("  isolation: ").append(isolationSummary).append('\n');
    for (String p : problems) b.append("  ! ").append(oneLine(p)).append('\n');
    for (CellResult c : cells) {
      if ("ok".equals(c.status())) continue;
      b.append("  ")
          .append(cellLabel(c))
          .append(c.line() > 0 ? ", line " + c.line() : "")
          .append(": ")
          .append(c.status())
          .append(": ")
          .append(oneLine(c.message()))
          .append('\n');
    }
    for (TestResult t : tests) {
      b.append(
          String.format(
              Locale.ROOT,
              "  %s  %-34s %5s/%-3s %s%n",
              t.passed() ? "PASS" : "FAIL",
              oneLine(t.name()),
              num(t.points()),
              num(t.maxPoints()),
              t.passed() ? "" : oneLine(t.message())));
    }
    return b.toString();
  }

  /** On one console line, escapes neutralised ({@link Text}), at most 300 characters. */
  static String oneLine(String s) {
    if (s == null) return "";
    String t = Text.clean(s.replace('\n', ' '), 1000, 1).replaceAll("\\s+", " ").strip();
    return t.length() > 300 ? t.substring(0, 297) + "..." : t;
  }
}
