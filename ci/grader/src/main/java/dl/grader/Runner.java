package dl.grader;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ImportSnippet;
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
 * <p>Per unit: "ok", "compile" (with the line in the cell), "rejected" (a student declaration that
 * would replace, overload or shadow the instructor's names), "exception" (class, message, the
 * submitted cell/line where it was thrown and the line of the unit itself), "timeout", or "thread"
 * (the unit left a thread running: reported, then this JVM ends so the parent restarts it without
 * that unit, and no thread of it can reach later units). A unit that ends the JVM (System.exit, out
 * of memory) simply leaves no "end" line; the parent notices and restarts without it.
 *
 * <p>Code runs through {@link GradingControl}, which checks forbidden APIs in the compiled classes
 * and refuses to count a {@code ThreadDeath} as a normal end.
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

    java.util.concurrent.ScheduledThreadPoolExecutor watchdog =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "grader-watchdog");
              t.setDaemon(true);
              return t;
            });
    watchdog.prestartAllCoreThreads(); // before the thread baseline below
    GradingControl.Provider provider = new GradingControl.Provider();
    try (JShell shell =
        JShell.builder().executionEngine(provider, Map.of()).out(capture).err(capture).build()) {
      GradingControl control = provider.control;
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        if (!entry.isBlank()) shell.addToClasspath(entry);
      SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
      // snippet id -> {unit index, line in the unit where the snippet starts}, for stack traces
      Map<String, int[]> origin = new HashMap<>();
      shell.eval("int __warmUp = 0;"); // compiler start-up is not the first cell's time
      startLibrary();
      // NOTE: threads alive now (JDK, JShell, the library's pool) are not the submission's.
      Set<Thread> baseline = new HashSet<>(Thread.getAllStackTraces().keySet());
      Names names = new Names();

      for (int u = 0; u < units.size(); u++) {
        Map<String, Object> unit = units.get(u);
        String kind = (String) unit.get("kind");
        boolean student = "cell".equals(kind);
        @SuppressWarnings("unchecked")
        List<String> forbidden = (List<String>) unit.get("forbidden");
        control.enter(
            u,
            student,
            (String) unit.getOrDefault("label", kind),
            forbidden,
            Boolean.TRUE.equals(unit.get("noLoops")));
        long timeoutMs = unit.get("timeoutMs") instanceof Number n ? n.longValue() : cellTimeoutMs;
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
                timeoutMs,
                TimeUnit.MILLISECONDS);
        Map<String, Object> end;
        try {
          end =
              evalUnit(
                  shell,
                  analysis,
                  (String) unit.get("code"),
                  u,
                  origin,
                  units,
                  student ? names : null,
                  control);
          if (!student && !"test".equals(kind)) names.learn(shell);
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
                      + (timeoutMs / 1000.0)
                      + " s (an endless loop?)",
                  -1);
        } else if (student && "ok".equals(end.get("status")) && control.violationIn(u) != null) {
          end = result("forbidden", control.violationIn(u), -1);
        }
        List<Thread> stray = strayThreads(baseline);
        if (!stray.isEmpty()) {
          end =
              result(
                  "thread",
                  "left a thread running after the cell ended ("
                      + stray.get(0).getName()
                      + "): graded code may not start threads",
                  -1);
          end.put("restart", true);
        }
        end.put("ev", "end");
        end.put("unit", (long) u);
        end.put("output", captured.text());
        protocol.println(nonce + " " + Json.compact(end));
        if (!stray.isEmpty()) {
          protocol.flush();
          Runtime.getRuntime().halt(3); // the parent starts a new JVM without this unit
        }
      }
    }
    protocol.println(nonce + " " + Json.compact(Map.of("ev", "done")));
    protocol.flush();
    // NOTE: halt, not exit: threads or shutdown hooks the submission started must not keep this
    // JVM alive or print after the report.
    Runtime.getRuntime().halt(0);
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** Longest message sent to the parent; the rest is cut here, before it can swell the protocol. */
  static final int MESSAGE_LIMIT = 2_000;

  private static Map<String, Object> result(String status, String message, int line) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    if (message != null)
      m.put(
          "message",
          message.length() <= MESSAGE_LIMIT
              ? message
              : message.substring(0, MESSAGE_LIMIT)
                  + " [message cut: "
                  + (message.length() - MESSAGE_LIMIT)
                  + " more characters]");
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
      List<Map<String, Object>> units,
      Names protectedNames,
      GradingControl control) {
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
      if (protectedNames != null) {
        String clash = protectedNames.clash(analysis, src);
        if (clash != null) return result("rejected", clash, snippetLine);
      }
      List<SnippetEvent> events = shell.eval(src);
      for (SnippetEvent ev : events)
        if (ev.causeSnippet() == null && ev.snippet() != null) control.claim(ev.snippet().id());
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
        if (ev.exception() != null)
          return describe(shell, ev.exception(), origin, units, unitIndex);
      }
      consumed += remaining.length() - rest.length();
      remaining = rest;
    }
    return result("ok", null, -1);
  }

  private static Map<String, Object> describe(
      JShell shell,
      Exception e,
      Map<String, int[]> origin,
      List<Map<String, Object>> units,
      int unitIndex) {
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
      else if (cls.startsWith("dl.grader.") || cls.equals("java.lang.ThreadDeath")) message = msg;
      else if (cls.equals("java.security.AccessControlException") && msg != null)
        message =
            (msg.contains("exitVM")
                    ? "System.exit is not allowed in a graded notebook"
                    : "not allowed in a graded notebook (only the working directory may be used)")
                + ": "
                + msg;
      else message = cls.replaceFirst("^java\\.lang\\.", "") + (msg == null ? "" : ": " + msg);
      // The cause says what actually went wrong (an ExceptionInInitializerError alone does not).
      Throwable cause = ee.getCause();
      for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
        String c =
            cause instanceof EvalException ce
                ? ce.getExceptionClassName()
                : cause.getClass().getName();
        message +=
            "; caused by "
                + c.replaceFirst("^java\\.lang\\.", "")
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      }
    } else message = e.toString();
    Map<String, Object> r = result("exception", message, -1);
    r.put("exception", exceptionClass(e));
    // Which line of this unit was running (the parent hides messages from hidden tests' lines).
    outer:
    for (Throwable t = e; t != null; t = t.getCause())
      for (StackTraceElement f : t.getStackTrace()) {
        String file = f.getFileName();
        if (file == null || !file.startsWith("#")) continue;
        int[] o = origin.get(file.substring(1));
        if (o == null || o[0] != unitIndex) continue;
        r.put("unitLine", (long) (o[1] + Math.max(f.getLineNumber(), 1) - 1));
        break outer;
      }
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

  private static String exceptionClass(Exception e) {
    if (e instanceof EvalException ee) return ee.getExceptionClassName();
    return e.getClass().getName();
  }

  /**
   * Starts the library's backend (and its thread pool) before any submitted code, so its threads
   * are part of the baseline and its one-line banner is not in the first cell's output.
   */
  private static void startLibrary() {
    try {
      Class.forName("dl.backend.Backends").getMethod("current").invoke(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // not the course library on the class path (the grader's own tests): nothing to start
    }
    // NOTE: the Vector API reads system properties when its classes initialise; under the Security
    // Manager that fails on the library's pool threads (a fork-join pool gives its threads almost
    // no permissions), so the classes are initialised here, once, by trusted code.
    for (String c :
        List.of(
            "jdk.incubator.vector.VectorIntrinsics",
            "jdk.incubator.vector.FloatVector",
            "jdk.incubator.vector.DoubleVector",
            "jdk.incubator.vector.IntVector",
            "dl.backend.cpu.SimdOps",
            "dl.backend.cpu.SimdGemm"))
      try {
        Class.forName(c, true, Runner.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        // no Vector API (module not added) or not the course library: the library falls back
      }
  }

  /** Threads that were not there before the first unit and are not the JDK's or a pool's. */
  private static List<Thread> strayThreads(Set<Thread> baseline) {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) root = root.getParent();
    List<Thread> stray = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!t.isAlive() || baseline.contains(t) || t instanceof ForkJoinWorkerThread) continue;
      ThreadGroup g = t.getThreadGroup();
      if (g == null || g == root) continue; // the JDK's own (Cleaner, Java2D Disposer, ...)
      stray.add(t);
    }
    return stray;
  }

  /**
   * The names the instructor's set-up defines or imports. A student declaration may not take one (a
   * new definition would replace a checking helper, an overload could take over its calls), nor a
   * name that shadows a class the tests name ({@code class Math}, a variable called {@code java}).
   */
  static final class Names {
    private final Set<String> declared = new HashSet<>();
    private final Set<String> singleTypes = new HashSet<>(); // simple names of single-type imports
    private final List<String> packages = new ArrayList<>(List.of("java.lang"));
    private static final Set<String> ROOTS =
        Set.of("java", "javax", "jdk", "dl", "sun", "com", "org", "jakarta", "REPL");

    /** Remembers what an instructor unit declared (after it ran). */
    void learn(JShell shell) {
      shell
          .snippets()
          .forEach(
              sn -> {
                if (sn instanceof DeclarationSnippet d) declared.add(d.name());
                else if (sn instanceof ImportSnippet i) {
                  String full = i.fullname();
                  if (i.isStatic()) {
                    if (!full.endsWith(".*"))
                      declared.add(full.substring(full.lastIndexOf('.') + 1));
                  } else if (full.endsWith(".*")) {
                    packages.add(full.substring(0, full.length() - 2));
                  } else singleTypes.add(full.substring(full.lastIndexOf('.') + 1));
                }
              });
      declared.remove("__warmUp");
    }

    /** Why {@code src} may not be evaluated in a student cell, or null. */
    String clash(SourceCodeAnalysis analysis, String src) {
      List<Snippet> parsed;
      try {
        parsed = analysis.sourceToSnippets(src);
      } catch (RuntimeException e) {
        return null; // let eval report what is wrong with it
      }
      for (Snippet sn : parsed) {
        String name = null;
        boolean typeLike = false; // types and variables can shadow a class or package name
        if (sn instanceof ImportSnippet i) {
          String full = i.fullname();
          name = full.substring(full.lastIndexOf('.') + 1);
          if (name.equals("*")) continue;
          typeLike = !i.isStatic();
        } else if (sn instanceof DeclarationSnippet d) {
          name = d.name();
          typeLike = d.kind() == Snippet.Kind.TYPE_DECL || d.kind() == Snippet.Kind.VAR;
        }
        if (name == null) continue;
        if (declared.contains(name))
          return "'"
              + name
              + "' is defined by the exercise's set-up (a checking helper or type): a cell may not"
              + " define it again or overload it; choose another name";
        if (typeLike && (ROOTS.contains(name) || singleTypes.contains(name) || isClass(name)))
          return "'"
              + name
              + "' would hide the class or package of that name from the tests: choose another"
              + " name";
      }
      return null;
    }

    private boolean isClass(String simpleName) {
      for (String p : packages) {
        try {
          Class.forName(p + "." + simpleName, false, Runner.class.getClassLoader());
          return true;
        } catch (ClassNotFoundException | LinkageError e) {
          // not in this package
        }
      }
      return false;
    }
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
