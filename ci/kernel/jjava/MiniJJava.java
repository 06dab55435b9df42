import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;

/**
 * A stand-in for JJava where JJava's kernel jar cannot be had (Maven Central serves its kernel
 * library, org.dflib.jjava:jjava-jupyter, to every machine; the kernel itself is not served to this
 * course's CI): JJava's own BaseKernel speaks the Jupyter protocol, renders each cell's value with
 * JJava's Renderer and installs the extensions a jar names in META-INF/services when {@code %jars}
 * adds it, in a class loader whose parent runs the cells, as JJava 1.0-a6 does. Only the cell
 * evaluation is ours: JShell with local execution, {@code %jars PATH} as the one magic.
 *
 * <p>Used by ci/kernel/check_other_kernel.py, never by students.
 */
public final class MiniJJava extends BaseKernel {
  private final JShell shell;
  private final Capture capture = new Capture();

  private MiniJJava() {
    super(
        "MiniJJava",
        "1",
        new LanguageInfo.Builder("java")
            .version(Runtime.version().toString())
            .mimetype("text/x-java-source")
            .fileExtension(".jshell")
            .build(),
        List.of(),
        null,
        new JupyterIO(StandardCharsets.UTF_8),
        new CommManager(),
        new Renderer(),
        null,
        null,
        true,
        new StringStyler.Builder().build());
    shell = JShell.builder().executionEngine(capture, Map.of()).build();
    shell.eval("0"); // NOTE: so that the class loader that runs the cells exists before any %jars
  }

  public static void main(String[] args) throws Exception {
    String json = Files.readString(Path.of(args[0]));
    JupyterConnection connection = new JupyterConnection(KernelConnectionProperties.parse(json));
    MiniJJava kernel = new MiniJJava();
    kernel.onStartup();
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
  }

  /** Runs a cell; its value is that of its last expression when that has no semicolon. */
  @Override
  public Object evalRaw(String source) {
    StringBuilder code = new StringBuilder();
    for (String line : source.split("\n", -1)) {
      if (line.startsWith("%jars ")) addJars(line.substring("%jars ".length()).trim());
      else code.append(line).append('\n');
    }
    Object value = null;
    String rest = code.toString();
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    while (!rest.isBlank()) {
      SourceCodeAnalysis.CompletionInfo unit = analysis.analyzeCompletion(rest);
      if (!unit.completeness().isComplete())
        throw new IllegalArgumentException("incomplete Java: " + rest.strip());
      rest = unit.remaining();
      capture.value = null;
      List<SnippetEvent> events = shell.eval(unit.source());
      if (events.isEmpty()) continue; // only comments
      for (SnippetEvent e : events) {
        if (e.exception() != null)
          throw new IllegalStateException(e.exception().getMessage(), e.exception());
        if (e.status() == Snippet.Status.REJECTED)
          throw new IllegalArgumentException(
              "does not compile: "
                  + unit.source().strip()
                  + "\n"
                  + shell.diagnostics(e.snippet())
                      .map(d -> d.getMessage(null))
                      .collect(Collectors.joining("\n")));
      }
      Snippet last = events.get(events.size() - 1).snippet();
      boolean expression =
          last.kind() == Snippet.Kind.EXPRESSION
              || last.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
      value = expression && !unit.source().strip().endsWith(";") ? capture.value : null;
    }
    return value;
  }

  private void addJars(String path) {
    shell.addToClasspath(path);
    // NOTE: BaseKernel's own lookup: a class loader over the new jar whose parent runs the cells.
    installExtensions(path);
  }

  @Override
  protected ClassLoader getClassLoader() {
    return capture.loader;
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    return null;
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    return null;
  }

  @Override
  public String isComplete(String code) {
    return IS_COMPLETE_MAYBE;
  }

  /** JShell in this JVM, keeping each cell's value as an object (JShell itself keeps a string). */
  static final class Capture implements ExecutionControlProvider {
    volatile Object value;
    volatile ClassLoader loader = ClassLoader.getSystemClassLoader();

    @Override
    public String name() {
      return "dl-capture";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
      return new LocalExecutionControl() {
        @Override
        protected String invoke(Method doIt) throws Exception {
          loader = doIt.getDeclaringClass().getClassLoader();
          value = doIt.invoke(null);
          return valueString(value);
        }
      };
    }
  }
}
