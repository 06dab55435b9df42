package dl.grader;

/**
 * Makes text from a submission safe to show: whatever a student's code prints or puts in an
 * exception message ends up in the console, JSON and XML reports, so control characters (ANSI
 * escapes that rewrite the terminal, a carriage return that overwrites a line), bidirectional
 * overrides that reorder what is displayed, and unpaired surrogates are shown as visible escapes
 * ({@code \u001b}), and the text is capped in characters and lines before it enters a report.
 */
final class Text {
  private Text() {}

  static final int MESSAGE_CHARS = 2_000, MESSAGE_LINES = 20;
  static final int OUTPUT_CHARS = 8_192, OUTPUT_LINES = 200;

  /** A message: escapes neutralised, at most {@value #MESSAGE_CHARS} characters and 20 lines. */
  static String clean(String s) {
    return clean(s, MESSAGE_CHARS, MESSAGE_LINES);
  }

  /** A cell's output, capped at {@value #OUTPUT_CHARS} characters and 200 lines. */
  static String cleanOutput(String s) {
    return clean(s, OUTPUT_CHARS, OUTPUT_LINES);
  }

  static String clean(String s, int maxChars, int maxLines) {
    if (s == null) return null;
    StringBuilder b = new StringBuilder(Math.min(s.length(), maxChars) + 16);
    int lines = 0, i = 0;
    for (; i < s.length(); i++) {
      if (b.length() >= maxChars || lines >= maxLines) break;
      char c = s.charAt(i);
      if (c == '\n') {
        lines++;
        if (lines < maxLines) b.append('\n');
      } else if (c == '\t') b.append(c);
      else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (unsafe(c)) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    if (i < s.length()) b.append(" [cut: ").append(s.length() - i).append(" more characters]");
    return b.toString();
  }

  /** Control, bidi-override, separator, non-character and unpaired surrogate code units. */
  static boolean unsafe(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || (c >= 0x200b && c <= 0x200f) // zero-width and directional marks
        || (c >= 0x2028 && c <= 0x202e) // line/paragraph separators, bidi embeddings/overrides
        || (c >= 0x2066 && c <= 0x2069) // bidi isolates
        || c == 0x061c
        || c == 0xfeff
        || c == 0xfffe
        || c == 0xffff
        || Character.isSurrogate(c);
  }
}
