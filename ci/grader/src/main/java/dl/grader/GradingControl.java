package dl.grader;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * JShell's in-process execution, with the grader's checks where code is loaded and run.
 *
 * <ul>
 *   <li>Every class JShell compiles is read when it is loaded ({@link ClassRefs}) and remembered
 *       with the unit (cell or test) that first defined it.
 *   <li>Before any snippet runs, the code it can reach through other snippets (the student's
 *       helpers, the notebook's set-up) is checked: student code against the grader's list and its
 *       cell's forbidden APIs, set-up helpers the student calls against that cell's list. A
 *       violation throws instead of running, so a test that depends on a forbidden answer fails,
 *       and tests that do not still pass.
 *   <li>Code that ends by {@code ThreadDeath}, or by anything JShell would report as "stopped" or
 *       as an internal error, fails, unless the grader itself stopped it: JShell treats both as a
 *       normal end, which would count a test as passed.
 * </ul>
 *
 * The Runner sets the current unit before it evaluates the unit's code.
 */
final class GradingControl extends LocalExecutionControl {
  /** Where a class came from. {@code forbidden} is null for instructor code. */
  private record Origin(
      int unit, boolean student, String label, List<String> forbidden, boolean noLoops) {}

  private final Map<String, ClassRefs> refs =
      new HashMap<>(); // internal name -> latest bytes' refs
  private final Map<String, Origin> origins = new HashMap<>(); // internal name -> first loader
  // NOTE: JShell names a snippet's classes REPL/$JShell$<snippet id>[B, C...][$Nested]; a snippet
  // compiled again (because something it uses was defined later, maybe by a test) gets a new name
  // but keeps its id. So a class belongs to the unit that evaluated its snippet, whoever loads it.
  private final Map<String, Origin> bySnippet = new HashMap<>(); // snippet id -> its unit
  private static final java.util.regex.Pattern SNIPPET =
      java.util.regex.Pattern.compile("^REPL/\\$JShell\\$(\\d+)");
  private final Map<Integer, String> unitViolations = new HashMap<>();

  private volatile Origin current = new Origin(-1, false, "the grader", null, false);
  volatile boolean stopRequested;

  /** Makes the one instance the Runner talks to. */
  static final class Provider implements ExecutionControlProvider {
    GradingControl control;

    @Override
    public String name() {
      return "dl-grader";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
      control = new GradingControl();
      return control;
    }
  }

  /**
   * The unit whose code is evaluated next; {@code forbidden} is null for instructor units, {@code
   * noLoops} says the cell must be whole-tensor code (no loop, no recursion).
   */
  void enter(int unit, boolean student, String label, List<String> forbidden, boolean noLoops) {
    current = new Origin(unit, student, label, forbidden == null ? List.of() : forbidden, noLoops);
  }

  /** The snippet {@code id} was evaluated by the current unit (called after each eval). */
  void claim(String id) {
    bySnippet.putIfAbsent(id, current);
  }

  private Origin originOf(String cls) {
    String id = snippetOf(cls);
    return id != null && bySnippet.containsKey(id) ? bySnippet.get(id) : origins.get(cls);
  }

  /** What the student's unit loaded that it may not use, or null (set as its classes load). */
  String violationIn(int unit) {
    return unitViolations.get(unit);
  }

  @Override
  public void load(ClassBytecodes[] cbcs)
      throws ClassInstallException, NotImplementedException, EngineTerminationException {
    for (ClassBytecodes c : cbcs) {
      ClassRefs r;
      try {
        r = ClassRefs.read(c.bytecodes());
      } catch (ClassRefs.BadClassException e) {
        throw new ClassInstallException(
            "unreadable class " + c.name() + ": " + e.getMessage(), new boolean[cbcs.length]);
      }
      String name = c.name().replace('.', '/');
      refs.put(name, r);
      origins.putIfAbsent(name, current);
    }
    // NOTE: a student class that breaks a rule is never installed, whichever unit loads it (a test
    // may compile it again) and however it would be reached later (code can load a class by name
    // through routes no list of APIs foresees). What calls it fails with the rule's message, at
    // invoke; the cell that wrote it reports the same message.
    boolean[] installed = new boolean[cbcs.length];
    List<ClassBytecodes> ok = new java.util.ArrayList<>();
    String refused = null;
    for (int i = 0; i < cbcs.length; i++) {
      String name = cbcs[i].name().replace('.', '/');
      Origin o = originOf(name);
      String v = o != null && o.student() ? violation(name) : null;
      if (v == null) {
        ok.add(cbcs[i]);
        installed[i] = true;
      } else {
        if (refused == null) refused = v;
        if (o.unit() >= 0) unitViolations.putIfAbsent(o.unit(), v);
      }
    }
    super.load(ok.toArray(ClassBytecodes[]::new));
    if (refused != null) throw new ClassInstallException(refused, installed);
  }

  @Override
  public String invoke(String className, String methodName)
      throws RunException, InternalException, EngineTerminationException {
    String v = violation(className.replace('.', '/'));
    if (v != null)
      throw new UserException(v, "dl.grader.ForbiddenApiError", new StackTraceElement[0]);
    stopRequested = false;
    try {
      return super.invoke(className, methodName);
    } catch (StoppedException e) {
      if (stopRequested) throw e;
      throw new UserException(
          "ThreadDeath (the code stopped itself: not allowed in graded code)",
          "java.lang.ThreadDeath",
          new StackTraceElement[0]);
    } catch (InternalException e) {
      throw new UserException(
          "the grader could not run this code: " + e.getMessage(),
          "dl.grader.InternalError",
          new StackTraceElement[0]);
    }
  }

  @Override
  public void stop() throws EngineTerminationException, InternalException {
    stopRequested = true;
    super.stop();
  }

  /**
   * What the code reachable from {@code start} uses that it may not, as a message for the student,
   * or null. Each student class is checked with its own cell's list, over everything it reaches.
   */
  String violation(String start) {
    for (String cls : reachable(start)) {
      Origin o = originOf(cls);
      if (o == null || !o.student()) continue;
      String g = ForbiddenApis.globalViolation(refs.get(cls));
      if (g != null) return o.label() + " uses " + g + ", which graded code may not use";
      if (o.noLoops() && inCycle(cls))
        return o.label()
            + " uses recursion (methods that call each other), and this part asks for"
            + " whole-tensor operations only";
      if (o.noLoops())
        for (String reached : reachable(cls)) {
          Origin via = originOf(reached);
          // Only cells under the same rule: another answer cell may loop (over k, over epochs).
          if (via != null && via.student() && via.noLoops() && refs.get(reached).loops())
            return o.label()
                + (via.unit() == o.unit() ? "" : " (through " + via.label() + ")")
                + " uses a loop or recursion, and this part asks for whole-tensor operations only";
        }
      if (o.forbidden().isEmpty()) continue;
      for (String reached : reachable(cls)) {
        String e = ForbiddenApis.exerciseViolation(refs.get(reached), o.forbidden());
        if (e == null) continue;
        Origin via = originOf(reached);
        String through =
            via == null || via.unit() == o.unit() ? "" : " (through " + via.label() + ")";
        return o.label()
            + " uses "
            + e
            + through
            + ", which this part of the exercise asks you to write yourself (not allowed there: "
            + String.join(", ", o.forbidden())
            + ")";
      }
    }
    return null;
  }

  /** Whether {@code start} can reach itself again through other snippet classes (recursion). */
  private boolean inCycle(String start) {
    for (String next : direct(start)) if (reachable(next).contains(start)) return true;
    return false;
  }

  /**
   * Snippet classes {@code cls} refers to, other than those of its own snippet (nested classes).
   */
  private Set<String> direct(String cls) {
    Set<String> out = neighbours(cls);
    String own = snippetOf(cls);
    if (own != null) out.removeIf(k -> own.equals(snippetOf(k)));
    return out;
  }

  /** The snippet classes {@code cls} names: as a class, or as the owner of a field or method. */
  private Set<String> neighbours(String cls) {
    Set<String> out = new HashSet<>();
    ClassRefs r = refs.get(cls);
    if (r == null) return out;
    for (String k : r.classes()) if (refs.containsKey(k)) out.add(k);
    for (String m : r.members()) {
      String owner = m.substring(0, m.indexOf('#'));
      if (refs.containsKey(owner)) out.add(owner);
    }
    out.remove(cls);
    return out;
  }

  private static String snippetOf(String cls) {
    java.util.regex.Matcher m = SNIPPET.matcher(cls);
    return m.find() ? m.group(1) : null;
  }

  /** The snippet classes {@code start} refers to, directly or through others, itself included. */
  private Set<String> reachable(String start) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(start));
    while (!todo.isEmpty()) {
      String c = todo.pop();
      if (refs.containsKey(c) && seen.add(c)) todo.addAll(neighbours(c));
    }
    return seen;
  }
}
