package dl.grader;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * The child JVM's main: reads one job (JSON on stdin, read to the end before any submitted code
 * runs), evaluates its units (code cells, then tests) in one JShell with local execution, and
 * reports each unit on the original stdout as a line {@code NONCE {json}}. The nonce comes with the
 * job and lives only in this method's locals, so text the submission prints cannot pass for a
 * result.
 *
 * <p>Per unit: "ok", "compile" (with the line in the cell), "exception" (class, message and the
 * submitted cell/line where it was thrown), or "timeout". A unit that ends the JVM (System.exit,
 * out of memory) simply leaves no "end" line; the parent notices and restarts without it.
 */
public final class Runner {
  private Runner() {}

  public static void main(String[] args) throws Exception {
    byte[] input = System.in.readAllBytes();
    System.setIn(new ByteArrayInputStream(new byte[0]));
    @SuppressWarnings("unchecked")
    Map<String, Object> job = (Map<String, Object>) Json.parse(new String(input, UTF8));
    input = null;
    final String nonce = (String) job.get("nonce");
    long cellTimeoutMs = ((Number) job.get("cellTimeoutMs")).longValue();
    int outputLimit = ((Number) job.get("outputLimit")).intValue();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> units = (List<Map<String, Object>>) job.get("units");
    job = null;

    PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF8);
    BoundedOutput captured = new BoundedOutput(outputLimit);
    PrintStream capture = new PrintStream(captured, true, UTF8);
    System.setOut(capture);
    System.setErr(capture);

    ScheduledExecutorService watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "grader-watchdog");
              t.setDaemon(true);
              return t;
            });
    try (JShell shell =
        JShell.builder().executionEngine("local").out(capture).err(capture).build()) {
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        if (!entry.isBlank()) shell.addToClasspath(entry);
      SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
      // snippet id -> {unit index, line in the unit where the snippet starts}, for stack traces
      Map<String, int[]> origin = new HashMap<>();
      shell.eval("int __warmUp = 0;"); // compiler start-up is not the first cell's time

      for (int u = 0; u < units.size(); u++) {
        Map<String, Object> unit = units.get(u);
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("ev", "start");
        start.put("unit", (long) u);
        protocol.println(nonce + " " + Json.compact(start));
        captured.reset();
        System.setOut(capture);
        System.setErr(capture);
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> alarm =
            watchdog.schedule(
                () -> {
                  timedOut.set(true);
                  shell.stop();
                },
                cellTimeoutMs,
                TimeUnit.MILLISECONDS);
        Map<String, Object> end;
        try {
          end = evalUnit(shell, analysis, (String) unit.get("code"), u, origin, units);
        } catch (RuntimeException | Error e) {
          end = result("exception", "the grader could not run this cell: " + e, -1);
        }
        alarm.cancel(false);
        capture.flush();
        if (timedOut.get()) {
          end =
              result(
                  "timeout",
                  "stopped after the per-cell time limit of "
                      + (cellTimeoutMs / 1000.0)
                      + " s (an endless loop?)",
                  -1);
        }
        end.put("ev", "end");
        end.put("unit", (long) u);
        end.put("output", captured.text());
        protocol.println(nonce + " " + Json.compact(end));
      }
    }
    protocol.println(nonce + " " + Json.compact(Map.of("ev", "done")));
    protocol.flush();
    // NOTE: halt, not exit: threads or shutdown hooks the submission started must not keep this
    // JVM alive or print after the report.
    Runtime.getRuntime().halt(0);
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static Map<String, Object> result(String status, String message, int line) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    if (message != null) m.put("message", message);
    if (line > 0) m.put("line", (long) line);
    return m;
  }

  /** Evaluates one cell snippet by snippet; the first error ends the cell, as in Jupyter. */
  private static Map<String, Object> evalUnit(
      JShell shell,
      SourceCodeAnalysis analysis,
      String code,
      int unitIndex,
      Map<String, int[]> origin,
      List<Map<String, Object>> units) {
    String remaining = code;
    int consumed = 0; // characters of the cell before `remaining`
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo ci = analysis.analyzeCompletion(remaining);
      String src;
      String rest;
      switch (ci.completeness()) {
        case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> {
          src = ci.source();
          rest = ci.remaining();
        }
        default -> { // incomplete or unknown: compile all of it, to get javac's message
          src = remaining;
          rest = "";
        }
      }
      if (src == null || src.isBlank()) {
        if (rest.length() >= remaining.length()) break; // no progress: nothing left to run
        consumed += remaining.length() - rest.length();
        remaining = rest;
        continue;
      }
      int lead = 0;
      while (lead < remaining.length() && Character.isWhitespace(remaining.charAt(lead))) lead++;
      int snippetLine = 1 + countNewlines(code, consumed + lead);
      List<SnippetEvent> events = shell.eval(src);
      for (SnippetEvent ev : events) {
        Snippet sn = ev.snippet();
        if (ev.causeSnippet() == null && sn != null)
          origin.put(sn.id(), new int[] {unitIndex, snippetLine});
        if (ev.status() == Snippet.Status.REJECTED && ev.causeSnippet() == null) {
          List<Diag> diags = shell.diagnostics(sn).filter(Diag::isError).toList();
          if (diags.isEmpty()) return result("compile", "this code does not compile", snippetLine);
          Diag d = diags.get(0);
          long pos = Math.max(0, d.getStartPosition());
          int line =
              snippetLine + countNewlines(sn.source(), (int) Math.min(pos, sn.source().length()));
          return result("compile", d.getMessage(java.util.Locale.ROOT).strip(), line);
        }
        if (ev.exception() != null) return describe(shell, ev.exception(), origin, units);
      }
      consumed += remaining.length() - rest.length();
      remaining = rest;
    }
    return result("ok", null, -1);
  }

  private static Map<String, Object> describe(
      JShell shell, Exception e, Map<String, int[]> origin, List<Map<String, Object>> units) {
    String message;
    if (e instanceof UnresolvedReferenceException ure) {
      String missing = String.join(", ", shell.unresolvedDependencies(ure.getSnippet()).toList());
      message =
          "'"
              + ure.getSnippet().name()
              + "' cannot run yet: it uses "
              + missing
              + ", which is not defined";
    } else if (e instanceof EvalException ee) {
      String cls = ee.getExceptionClassName();
      String msg = ee.getMessage();
      if (cls.equals("java.lang.AssertionError") && msg != null) message = msg;
      else if (cls.equals("java.security.AccessControlException") && msg != null)
        message =
            (msg.contains("exitVM")
                    ? "System.exit is not allowed in a graded notebook"
                    : "not allowed in a graded notebook (only the working directory may be used)")
                + ": "
                + msg;
      else message = cls.replaceFirst("^java\\.lang\\.", "") + (msg == null ? "" : ": " + msg);
    } else message = e.toString();
    Map<String, Object> r = result("exception", message, -1);
    // Where in the submitted cells it was thrown (the first frame in a "cell" unit, never a test).
    for (Throwable t = e; t != null; t = t.getCause()) {
      for (StackTraceElement f : t.getStackTrace()) {
        String file = f.getFileName();
        if (file == null || !file.startsWith("#")) continue;
        int[] o = origin.get(file.substring(1));
        if (o == null) continue;
        if (!"cell".equals(units.get(o[0]).get("kind"))) continue;
        r.put("atUnit", (long) o[0]);
        r.put("atLine", (long) (o[1] + Math.max(f.getLineNumber(), 1) - 1));
        return r;
      }
    }
    return r;
  }

  private static int countNewlines(String s, int end) {
    int n = 0;
    for (int i = 0; i < Math.min(end, s.length()); i++) if (s.charAt(i) == '\n') n++;
    return n;
  }

  /** Keeps the first {@code limit} bytes written and counts the rest. */
  static final class BoundedOutput extends OutputStream {
    private final int limit;
    private final byte[] buf;
    private int size;
    private long dropped;

    BoundedOutput(int limit) {
      this.limit = limit;
      this.buf = new byte[limit];
    }

    @Override
    public synchronized void write(int b) {
      if (size < limit) buf[size++] = (byte) b;
      else dropped++;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int n = Math.min(len, limit - size);
      if (n > 0) {
        System.arraycopy(b, off, buf, size, n);
        size += n;
      }
      dropped += len - Math.max(n, 0);
    }

    synchronized void reset() {
      size = 0;
      dropped = 0;
    }

    synchronized String text() {
      String s = new String(buf, 0, size, UTF8);
      if (dropped > 0) s += "\n[output truncated: " + dropped + " more bytes]";
      return s;
    }

    @Override
    public void close() throws IOException {}
  }
}
