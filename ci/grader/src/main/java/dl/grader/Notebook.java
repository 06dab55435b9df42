package dl.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jupyter notebook (nbformat 4) as read from JSON, with the nbgrader cell metadata the grader
 * uses: {@code metadata.nbgrader = {grade_id, solution, grade, locked, points, schema_version}}.
 */
public final class Notebook {
  private final Map<String, Object> root;

  /** Thrown when a file is not a notebook the grader can read; the message says why. */
  public static final class FormatException extends RuntimeException {
    public FormatException(String message) {
      super(message);
    }
  }

  /** One cell. {@code index} is 1-based over all cells, as Jupyter users count them. */
  public record Cell(int index, Map<String, Object> json) {
    public String type() {
      return String.valueOf(json.get("cell_type"));
    }

    public boolean isCode() {
      return "code".equals(type());
    }

    public String source() {
      return joinSource(json.get("source"));
    }

    public void source(String text) {
      json.put("source", splitLines(text));
    }

    /** The nbgrader metadata, or an empty map for an ordinary cell. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> nbgrader() {
      Object md = json.get("metadata");
      if (md instanceof Map<?, ?> m && m.get("nbgrader") instanceof Map<?, ?> g)
        return (Map<String, Object>) g;
      return Map.of();
    }

    public String gradeId() {
      Object id = nbgrader().get("grade_id");
      return id == null ? null : id.toString();
    }

    /** A cell the student writes (nbgrader "solution" / manually graded answer). */
    public boolean isSolution() {
      return Boolean.TRUE.equals(nbgrader().get("solution"));
    }

    /** An autograder test cell: worth {@link #points()}, run by the grader from the source. */
    public boolean isTest() {
      return Boolean.TRUE.equals(nbgrader().get("grade")) && !isSolution();
    }

    /** A read-only instructor cell. */
    public boolean isLocked() {
      return Boolean.TRUE.equals(nbgrader().get("locked"));
    }

    public double points() {
      return nbgrader().get("points") instanceof Number n ? n.doubleValue() : 0;
    }

    /** The grader's own cell metadata ({@code metadata.grader}), or an empty map. */
    public Map<String, Object> grader() {
      return graderOf(json.get("metadata"));
    }

    /** The APIs this answer cell may not use ({@code metadata.grader.forbidden}). */
    public List<String> forbidden() {
      List<String> out = new ArrayList<>();
      if (grader().get("forbidden") instanceof List<?> l)
        for (Object o : l) out.add(String.valueOf(o));
      return out;
    }

    /** This test cell's time limit in seconds ({@code metadata.grader.timeout}), or 0 for none. */
    public double timeoutSeconds() {
      return grader().get("timeout") instanceof Number n ? n.doubleValue() : 0;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> graderOf(Object metadata) {
    if (metadata instanceof Map<?, ?> m && m.get("grader") instanceof Map<?, ?> g)
      return (Map<String, Object>) g;
    return Map.of();
  }

  /**
   * The notebook's grading limits ({@code metadata.grader}: {@code total_timeout} seconds, {@code
   * heap_mb}), or an empty map.
   */
  public Map<String, Object> grader() {
    return graderOf(root.get("metadata"));
  }

  private Notebook(Map<String, Object> root) {
    this.root = root;
  }

  /** Reads a notebook; a {@link FormatException} says what is wrong with a malformed file. */
  public static Notebook read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return parse(new String(bytes, StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  public static Notebook parse(String text) {
    Object v;
    try {
      v = Json.parse(text);
    } catch (Json.ParseException e) {
      throw new FormatException("not valid JSON: " + e.getMessage());
    }
    if (!(v instanceof Map<?, ?> m)) throw new FormatException("not a notebook: no JSON object");
    if (!(m.get("cells") instanceof List<?> cells))
      throw new FormatException("not a notebook: no \"cells\" list (nbformat 4 expected)");
    for (Object c : cells) {
      if (!(c instanceof Map<?, ?> cm) || !(cm.get("cell_type") instanceof String))
        throw new FormatException("not a notebook: a cell without a cell_type");
      Object src = cm.get("source");
      if (src != null && !(src instanceof String) && !(src instanceof List<?>))
        throw new FormatException("not a notebook: a cell whose source is neither text nor lines");
    }
    return new Notebook((Map<String, Object>) m);
  }

  /** A deep copy, so stripping never changes the source notebook. */
  public Notebook copy() {
    return parse(Json.compact(root));
  }

  @SuppressWarnings("unchecked")
  public List<Cell> cells() {
    List<Object> raw = (List<Object>) root.get("cells");
    List<Cell> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) out.add(new Cell(i + 1, (Map<String, Object>) raw.get(i)));
    return out;
  }

  public Map<String, Object> json() {
    return root;
  }

  /** Jupyter's own formatting (see {@link Json#write}). */
  public String toJson() {
    return Json.write(root);
  }

  static String joinSource(Object src) {
    if (src == null) return "";
    if (src instanceof String s) return s;
    StringBuilder b = new StringBuilder();
    for (Object line : (List<?>) src) b.append(line);
    return b.toString();
  }

  /** Jupyter stores source as lines that keep their "\n" (the last one without). */
  static List<Object> splitLines(String text) {
    List<Object> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl + 1;
      lines.add(text.substring(start, end));
      start = end;
    }
    return lines;
  }

  /** A fresh metadata map for a cell (used by tests and tools that build notebooks). */
  static Map<String, Object> metadata(Map<String, Object> nbgrader) {
    Map<String, Object> md = new LinkedHashMap<>();
    if (nbgrader != null) md.put("nbgrader", nbgrader);
    return md;
  }
}
