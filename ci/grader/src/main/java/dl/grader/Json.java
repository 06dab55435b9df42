package dl.grader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small, strict JSON reader and writer: objects become {@code LinkedHashMap<String, Object>},
 * arrays {@code List<Object>}, numbers {@code Long} or {@code Double}, plus {@code String}, {@code
 * Boolean} and {@code null}.
 *
 * <p>{@link #write} formats like Jupyter saves notebooks (nbformat: one-space indent, sorted keys,
 * non-ASCII kept as is), so a generated notebook diffs cleanly against one saved by Jupyter.
 */
public final class Json {
  private final String s;
  private int pos;

  /** Thrown for malformed input; the message names the line and column. */
  public static final class ParseException extends RuntimeException {
    ParseException(String message) {
      super(message);
    }
  }

  private Json(String s) {
    this.s = s;
  }

  /** Parses one JSON value; trailing non-space text is an error. */
  public static Object parse(String text) {
    Json p = new Json(text);
    p.skipSpace();
    Object v = p.value(0);
    p.skipSpace();
    if (p.pos != p.s.length()) throw p.error("unexpected text after the JSON value");
    return v;
  }

  private ParseException error(String what) {
    int line = 1, col = 1;
    for (int i = 0; i < Math.min(pos, s.length()); i++) {
      if (s.charAt(i) == '\n') {
        line++;
        col = 1;
      } else col++;
    }
    return new ParseException(what + " at line " + line + ", column " + col);
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
      else break;
    }
  }

  private Object value(int depth) {
    if (depth > 512) throw error("nesting too deep");
    if (pos >= s.length()) throw error("unexpected end of input");
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        throw error("unexpected character '" + c + "'");
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, pos)) throw error("expected " + word);
    pos += word.length();
    return v;
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    skipSpace();
    if (pos < s.length() && s.charAt(pos) == '}') {
      pos++;
      return m;
    }
    while (true) {
      skipSpace();
      if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
      String k = string();
      skipSpace();
      expect(':');
      skipSpace();
      m.put(k, value(depth + 1));
      skipSpace();
      if (pos >= s.length()) throw error("unexpected end of input in an object");
      char c = s.charAt(pos++);
      if (c == '}') return m;
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> a = new ArrayList<>();
    pos++;
    skipSpace();
    if (pos < s.length() && s.charAt(pos) == ']') {
      pos++;
      return a;
    }
    while (true) {
      skipSpace();
      a.add(value(depth + 1));
      skipSpace();
      if (pos >= s.length()) throw error("unexpected end of input in an array");
      char c = s.charAt(pos++);
      if (c == ']') return a;
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private void expect(char c) {
    if (pos >= s.length() || s.charAt(pos) != c) throw error("expected '" + c + "'");
    pos++;
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) throw error("unterminated string");
      char c = s.charAt(pos++);
      if (c == '"') return b.toString();
      if (c < 0x20) {
        pos--;
        throw error("control character in a string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (pos >= s.length()) throw error("unterminated escape");
      char e = s.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (pos + 4 > s.length()) throw error("bad \\u escape");
          try {
            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> {
          pos--;
          throw error("bad escape '\\" + e + "'");
        }
      }
    }
  }

  private Object number() {
    int start = pos;
    if (s.charAt(pos) == '-') pos++;
    int digits = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
    if (pos == digits) throw error("bad number");
    boolean integral = true;
    if (pos < s.length() && s.charAt(pos) == '.') {
      integral = false;
      pos++;
      int frac = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
      if (pos == frac) throw error("bad number");
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      integral = false;
      pos++;
      if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
      int exp = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
      if (pos == exp) throw error("bad number");
    }
    String t = s.substring(start, pos);
    if (integral) {
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException ignored) {
        // too large for a long: fall through to double
      }
    }
    return Double.parseDouble(t);
  }

  // ---------------------------------------------------------------- writing

  /** Jupyter's notebook formatting: indent 1, keys sorted, a trailing newline. */
  public static String write(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v, 1, 0, true);
    return b.append('\n').toString();
  }

  /** One line, keys in insertion order (for reports and the runner's protocol). */
  public static String compact(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v, -1, 0, false);
    return b.toString();
  }

  /** Indented, keys in insertion order (for reports people read). */
  public static String pretty(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v, 2, 0, false);
    return b.append('\n').toString();
  }

  private static void newline(StringBuilder b, int indent, int level) {
    if (indent < 0) return;
    b.append('\n');
    b.append(" ".repeat(indent * level));
  }

  private static void write(StringBuilder b, Object v, int indent, int level, boolean sort) {
    if (v == null) b.append("null");
    else if (v instanceof String str) quote(b, str);
    else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) b.append(v);
    else if (v instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) b.append("null");
      else if (d == Math.rint(d) && Math.abs(d) < 1e15) b.append((long) d);
      else b.append(d);
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        b.append("{}");
        return;
      }
      Map<?, ?> ordered = sort ? new TreeMap<>(m) : m;
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ordered.entrySet()) {
        if (!first) b.append(',');
        first = false;
        newline(b, indent, level + 1);
        quote(b, String.valueOf(e.getKey()));
        b.append(indent < 0 ? ":" : ": ");
        write(b, e.getValue(), indent, level + 1, sort);
      }
      newline(b, indent, level);
      b.append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        b.append("[]");
        return;
      }
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) b.append(',');
        newline(b, indent, level + 1);
        write(b, l.get(i), indent, level + 1, sort);
      }
      newline(b, indent, level);
      b.append(']');
    } else throw new IllegalArgumentException("not JSON: " + v.getClass().getName());
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }
}
