package dl.grader;

import java.util.List;
import java.util.Set;

/**
 * The APIs graded code may not use. Two lists:
 *
 * <ul>
 *   <li>the exercise's, per answer cell ({@code metadata.grader.forbidden} in the source notebook):
 *       {@code dl.*} (a package and everything under it), {@code dl.nn.Perceptron} (a class and its
 *       nested classes) or {@code dl.tensor.Tensor#softmax} (a method or field, any overload);
 *   <li>the grader's own, for everything a student writes: reflection, method handles, class
 *       loading, JShell and the compiler, files, sockets, processes, threads, {@code System.exit},
 *       native code. None of it is needed to solve an exercise, and each is a way around the checks
 *       or out of the sandbox.
 * </ul>
 *
 * Both are matched against the constant pool of the compiled code ({@link ClassRefs}), so an
 * import, {@code var} or a fully qualified name makes no difference.
 */
final class ForbiddenApis {
  private ForbiddenApis() {}

  /**
   * One rule of the grader's list: classes whose internal name equals {@code name} (or starts with
   * it, when it ends in '/'). With {@code allowed} set, only members outside it are forbidden (and
   * naming the class is fine); with {@code denied} set, only those members; with neither, any use.
   */
  private record Rule(String name, Set<String> allowed, Set<String> denied, String why) {
    boolean coversClass(String internal) {
      return name.endsWith("/")
          ? internal.startsWith(name)
          : internal.equals(name) || internal.startsWith(name + "$");
    }

    boolean forbidsClassRef() {
      return allowed == null && denied == null;
    }

    boolean forbidsMember(String member) {
      if (allowed != null) return !allowed.contains(member);
      if (denied != null) return denied.contains(member);
      return true;
    }
  }

  private static Rule all(String name, String why) {
    return new Rule(name, null, null, why);
  }

  private static final String REFLECTION = "reflection";
  private static final String FILES = "file access";
  private static final String THREADS = "threads";

  /**
   * What no student code may use (the JDK's lambda and string-concatenation bootstraps are fine).
   */
  private static final List<Rule> GLOBAL =
      List.of(
          all("java/lang/reflect/", REFLECTION),
          new Rule(
              "java/lang/invoke/MethodHandles",
              Set.of(), // the class is named by every lambda's InnerClasses entry; no member
              // allowed
              null,
              REFLECTION),
          all("java/lang/invoke/MethodHandle", REFLECTION),
          all("java/lang/invoke/VarHandle", REFLECTION),
          all("java/lang/invoke/MethodType", REFLECTION),
          all("java/lang/invoke/CallSite", REFLECTION),
          all("java/lang/invoke/ConstantCallSite", REFLECTION),
          all("java/lang/invoke/MutableCallSite", REFLECTION),
          all("java/lang/invoke/MethodHandleProxies", REFLECTION),
          new Rule(
              "java/lang/Class",
              Set.of(
                  "getName",
                  "getSimpleName",
                  "getTypeName",
                  "getCanonicalName",
                  "isInstance",
                  "cast",
                  "isArray",
                  "isPrimitive",
                  "isInterface",
                  "isEnum",
                  "isRecord",
                  "isAssignableFrom",
                  "getComponentType",
                  "componentType",
                  "arrayType",
                  "descriptorString",
                  "desiredAssertionStatus", // every class with an `assert`
                  "hashCode",
                  "equals",
                  "toString"),
              null,
              REFLECTION),
          all("java/lang/ClassLoader", "class loading"),
          all("java/net/", "class loading or the network"),
          all("java/lang/Module", REFLECTION),
          all("java/lang/ModuleLayer", REFLECTION),
          all("java/lang/module/", REFLECTION),
          all("java/lang/instrument/", REFLECTION),
          all("java/lang/management/", "management"),
          all("java/lang/foreign/", "native memory"),
          all("java/lang/SecurityManager", "the security manager"),
          // java.security.Provider.Service.newInstance loads any class by name through the
          // provider's (JShell's) class loader: a third red-team round's route past every rule.
          all(
              "java/security/",
              "security providers (class loading by name) and the security manager"),
          all("jdk/", "JDK internals (JShell, the compiler, internal APIs)"),
          all("sun/", "JDK internals"),
          all("com/sun/", "JDK internals"),
          // NOTE: none of javax (Swing's ProxyLazyValue calls any static method by name; XSLT
          // extension functions call JDK methods, class loaders included), AWT or the XML APIs
          // is needed for an exercise, and each is a way around the other rules.
          all("javax/", "javax APIs (reflection by name, XSLT, scripting, the compiler)"),
          all("java/awt/", "AWT"),
          all("org/w3c/", "XML"),
          all("org/xml/", "XML"),
          all("java/util/ResourceBundle", "class loading"),
          all("java/util/logging/", FILES),
          all("java/util/zip/ZipFile", FILES),
          all("java/util/jar/", FILES),
          new Rule(
              "java/lang/Throwable",
              null,
              Set.of("getStackTrace", "setStackTrace"),
              "stack inspection (which test is calling)"),
          all("java/lang/StackWalker", "stack inspection (which test is calling)"),
          all("java/lang/StackTraceElement", "stack inspection (which test is calling)"),
          all("java/rmi/", "the network"),
          all("java/beans/", REFLECTION),
          all("java/sql/", "databases"),
          all("java/util/ServiceLoader", "class loading"),
          all("dl/grader/", "the grader"),
          all("java/nio/file/", FILES),
          all("java/nio/channels/", FILES),
          all("java/io/File", FILES),
          all("java/io/FileInputStream", FILES),
          all("java/io/FileOutputStream", FILES),
          all("java/io/FileReader", FILES),
          all("java/io/FileWriter", FILES),
          all("java/io/FileDescriptor", FILES),
          all("java/io/RandomAccessFile", FILES),
          all("java/io/ObjectInputStream", "deserialisation"),
          all("java/io/Console", "the console"),
          all("java/util/prefs/", FILES),
          all("java/lang/ProcessBuilder", "processes"),
          all("java/lang/Process", "processes"),
          all("java/lang/ProcessHandle", "processes"),
          new Rule(
              "java/lang/Runtime",
              Set.of(
                  "getRuntime",
                  "availableProcessors",
                  "freeMemory",
                  "totalMemory",
                  "maxMemory",
                  "version"),
              null,
              "System.exit, processes or native code"),
          new Rule(
              "java/lang/System",
              null,
              Set.of(
                  "exit",
                  "load",
                  "loadLibrary",
                  "mapLibraryName",
                  "setSecurityManager",
                  "getSecurityManager",
                  "setIn",
                  "setOut",
                  "setErr",
                  "setProperty",
                  "setProperties",
                  "clearProperty",
                  "getenv",
                  "console",
                  "inheritedChannel",
                  "getLogger",
                  "getProperties", // a map shared with the grader's code: a side channel
                  "runFinalization"),
              "System.exit, the grader's streams or native code"),
          new Rule(
              "java/lang/Thread",
              Set.of(
                  "currentThread",
                  "sleep",
                  "onSpinWait",
                  "interrupted",
                  "isInterrupted",
                  "getName",
                  "getId",
                  "threadId"),
              null,
              THREADS),
          all("java/lang/ThreadGroup", THREADS),
          all("java/lang/ThreadDeath", THREADS),
          all("java/lang/ref/Cleaner", THREADS),
          all("java/util/Timer", THREADS),
          all("java/util/concurrent/Executors", THREADS),
          all("java/util/concurrent/ExecutorService", THREADS),
          all("java/util/concurrent/ThreadPoolExecutor", THREADS),
          all("java/util/concurrent/ScheduledThreadPoolExecutor", THREADS),
          all("java/util/concurrent/ForkJoinPool", THREADS),
          all("java/util/concurrent/ForkJoinTask", THREADS),
          all("java/util/concurrent/RecursiveTask", THREADS),
          all("java/util/concurrent/RecursiveAction", THREADS),
          all("java/util/concurrent/CountedCompleter", THREADS),
          all("java/util/concurrent/CompletableFuture", THREADS),
          all("java/util/concurrent/ThreadFactory", THREADS),
          all("java/util/concurrent/StructuredTaskScope", THREADS));

  /**
   * What JShell itself puts into a snippet that uses something not defined yet (the call throws it
   * until the definition arrives), so it is in student code without the student writing it.
   */
  private static final String JSHELL_UNRESOLVED = "jdk/jshell/spi/SPIResolutionException";

  /**
   * The first use of an API on the grader's list, as "java.lang.reflect.Method.invoke
   * (reflection)".
   */
  static String globalViolation(ClassRefs refs) {
    for (String m : refs.members()) {
      int hash = m.indexOf('#');
      String owner = m.substring(0, hash), member = m.substring(hash + 1);
      if (owner.equals(JSHELL_UNRESOLVED)) continue;
      for (Rule r : GLOBAL)
        if (r.coversClass(owner) && r.forbidsMember(member))
          return readable(owner) + "." + member + " (" + r.why() + ")";
    }
    for (String c : refs.classes())
      for (Rule r : GLOBAL)
        if (!c.equals(JSHELL_UNRESOLVED) && r.coversClass(c) && r.forbidsClassRef())
          return readable(c) + " (" + r.why() + ")";
    return null;
  }

  /** The first use of an API matching one of the exercise's patterns, or null. */
  static String exerciseViolation(ClassRefs refs, List<String> patterns) {
    if (patterns == null || patterns.isEmpty()) return null;
    for (String m : refs.members()) {
      int hash = m.indexOf('#');
      String owner = m.substring(0, hash), member = m.substring(hash + 1);
      for (String p : patterns)
        if (matchesMember(p, owner, member)) return readable(owner) + "." + member;
    }
    for (String c : refs.classes())
      for (String p : patterns) if (!p.contains("#") && matchesClass(p, c)) return readable(c);
    return null;
  }

  /** A pattern as written in the notebook: {@code dl.*}, {@code dl.nn.Perceptron}, {@code X#m}. */
  static String checkPattern(String p) {
    if (p == null || !p.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*(\\.\\*|#[\\w$<>]+)?"))
      return "not a forbidden-API pattern (expected pkg.*, pkg.Class or pkg.Class#member): " + p;
    return null;
  }

  static boolean matchesClass(String pattern, String internal) {
    String p = pattern.replace('.', '/');
    if (p.endsWith("/*")) return internal.startsWith(p.substring(0, p.length() - 1));
    return internal.equals(p) || internal.startsWith(p + "$");
  }

  static boolean matchesMember(String pattern, String owner, String member) {
    int hash = pattern.indexOf('#');
    if (hash < 0) return matchesClass(pattern, owner);
    return member.equals(pattern.substring(hash + 1))
        && owner.equals(pattern.substring(0, hash).replace('.', '/'));
  }

  /** {@code dl/nn/Perceptron$Result} as {@code dl.nn.Perceptron.Result}. */
  static String readable(String internal) {
    return internal.replace('/', '.').replace('$', '.');
  }
}
