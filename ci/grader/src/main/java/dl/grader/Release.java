package dl.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes the student version of a source notebook, as nbgrader's release step does: the lines
 * between {@code BEGIN SOLUTION} and {@code END SOLUTION} in solution cells become {@link #STUB},
 * the lines between {@code BEGIN HIDDEN TESTS} and {@code END HIDDEN TESTS} in test cells are
 * removed, and every output is cleared.
 */
public final class Release {
  public static final String BEGIN_SOLUTION = "BEGIN SOLUTION";
  public static final String END_SOLUTION = "END SOLUTION";
  public static final String BEGIN_HIDDEN = "BEGIN HIDDEN TESTS";
  public static final String END_HIDDEN = "END HIDDEN TESTS";

  /**
   * What replaces a solution region. nbgrader's default for Java is only the comment; the throw
   * keeps the student version compiling, so an untouched exercise fails its tests with "not
   * implemented yet" instead of a compile error. (nbgrader users: set {@code
   * ClearSolutions.code_stub} to these two lines.)
   */
  public static final List<String> STUB =
      List.of(
          "// YOUR CODE HERE", "throw new UnsupportedOperationException(\"not implemented yet\");");

  private Release() {}

  /** A source notebook is inconsistent (unbalanced markers, markers in the wrong kind of cell). */
  public static final class SourceException extends RuntimeException {
    SourceException(String message) {
      super(message);
    }
  }

  /** The student version of {@code source} (which is not modified). */
  public static Notebook studentVersion(Notebook source, String name) {
    Notebook nb = source.copy();
    Set<String> ids = new HashSet<>();
    for (Notebook.Cell c : nb.cells()) {
      String where = name + ", cell " + c.index();
      String id = c.gradeId();
      if (!c.nbgrader().isEmpty() && id == null)
        throw new SourceException(where + ": nbgrader metadata without a grade_id");
      if (id != null && !ids.add(id))
        throw new SourceException(where + ": grade_id '" + id + "' is used twice");
      String src = c.source();
      if (c.isSolution()) src = clearSolution(src, where);
      else if (src.contains(BEGIN_SOLUTION) || src.contains(END_SOLUTION))
        throw new SourceException(where + ": a solution region in a cell not marked as solution");
      if (c.isTest()) src = clearHidden(src, where);
      else if (src.contains(BEGIN_HIDDEN) || src.contains(END_HIDDEN))
        throw new SourceException(where + ": hidden tests in a cell that is not a test cell");
      c.source(src);
      if (c.isCode()) {
        c.json().put("outputs", new ArrayList<>());
        c.json().put("execution_count", null);
      }
    }
    return nb;
  }

  static String clearSolution(String src, String where) {
    if (!src.contains(BEGIN_SOLUTION)) {
      if (src.contains(END_SOLUTION)) throw new SourceException(where + ": END without BEGIN");
      return String.join("\n", STUB); // nbgrader replaces a solution cell without markers whole
    }
    StringBuilder out = new StringBuilder();
    boolean inside = false;
    for (String line : lines(src)) {
      if (line.contains(BEGIN_SOLUTION)) {
        if (inside) throw new SourceException(where + ": BEGIN SOLUTION inside a solution region");
        inside = true;
        String indent = line.substring(0, line.length() - line.stripLeading().length());
        for (String stub : STUB) out.append(indent).append(stub).append('\n');
      } else if (line.contains(END_SOLUTION)) {
        if (!inside) throw new SourceException(where + ": END SOLUTION without BEGIN SOLUTION");
        inside = false;
      } else if (!inside) out.append(line).append('\n');
    }
    if (inside) throw new SourceException(where + ": BEGIN SOLUTION without END SOLUTION");
    return trimFinalNewline(out, src);
  }

  static String clearHidden(String src, String where) {
    StringBuilder out = new StringBuilder();
    boolean inside = false;
    for (String line : lines(src)) {
      if (line.contains(BEGIN_HIDDEN)) {
        if (inside) throw new SourceException(where + ": BEGIN HIDDEN TESTS twice");
        inside = true;
      } else if (line.contains(END_HIDDEN)) {
        if (!inside) throw new SourceException(where + ": END HIDDEN TESTS without BEGIN");
        inside = false;
      } else if (!inside) out.append(line).append('\n');
    }
    if (inside) throw new SourceException(where + ": BEGIN HIDDEN TESTS without END");
    return trimFinalNewline(out, src).stripTrailing();
  }

  private static List<String> lines(String src) {
    return List.of(src.split("\n", -1));
  }

  private static String trimFinalNewline(StringBuilder out, String src) {
    // split("\n", -1) gave one extra empty line after a trailing newline; undo the extra '\n'.
    if (out.length() > 0) out.setLength(out.length() - 1);
    return out.toString();
  }

  /** The source notebooks in a folder, sorted by name. */
  static List<Path> notebooks(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  /**
   * Writes {@code out/NAME.ipynb} for every {@code source/NAME.ipynb}, or with {@code check} only
   * compares; returns the problems found (empty = up to date).
   */
  public static List<String> run(Path source, Path out, boolean check) throws IOException {
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Files.createDirectories(out);
    for (Path src : notebooks(source)) {
      String file = src.getFileName().toString();
      names.add(file);
      String text;
      try {
        text = studentVersion(Notebook.read(src), file).toJson();
      } catch (Notebook.FormatException | SourceException e) {
        problems.add(file + ": " + e.getMessage());
        continue;
      }
      Path target = out.resolve(file);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (check) {
        if (!Files.exists(target)) problems.add(out.relativize(target) + " is missing");
        else if (!java.util.Arrays.equals(Files.readAllBytes(target), bytes))
          problems.add(file + " differs from what its solution generates");
      } else Files.write(target, bytes);
    }
    for (Path p : notebooks(out)) {
      if (!names.contains(p.getFileName().toString()))
        problems.add(p.getFileName() + " has no solution notebook in " + source);
    }
    return problems;
  }

  /** For tests: a minimal nbgrader metadata map. */
  static Map<String, Object> nbgrader(String id, boolean solution, boolean grade, int points) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("grade", grade);
    m.put("grade_id", id);
    m.put("locked", !solution);
    if (grade) m.put("points", (long) points);
    m.put("schema_version", 3L);
    m.put("solution", solution);
    return m;
  }
}
