package dl.viz;

import dl.tensor.Tensor;
import dl.train.ConfusionMatrix;
import java.util.function.Function;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import tech.tablesaw.api.Table;

/**
 * Tells JJava (the {@code org.dflib.jjava} Java kernel, 1.0-a6 and later) to show Tablesaw tables,
 * confusion matrices and small tensors as HTML ({@link Html}) when they are a cell's value or are
 * passed to {@code display(...)}; JJava adds their text itself. JJava installs this extension
 * through {@code META-INF/services/org.dflib.jjava.jupyter.Extension} when a notebook's {@code
 * %jars} or {@code %maven} line puts the library on its class path; no notebook calls it. The
 * course kernel has its own ({@link JupyterDisplay}); other kernels never load this class and show
 * the text.
 */
public final class JJavaDisplay implements Extension {

  @Override
  public void install(BaseKernel kernel) {
    register(kernel.getRenderer());
  }

  /** Registers the three HTML renderings with a JJava renderer. */
  static void register(Renderer renderer) {
    register(renderer, Table.class, Html::table);
    register(renderer, ConfusionMatrix.class, Html::confusion);
    register(renderer, Tensor.class, Html::tensor);
  }

  /** HTML from {@code html} when a front end asks for it; no HTML where it returns null. */
  private static <T> void register(Renderer renderer, Class<T> type, Function<T, String> html) {
    renderer
        .createRegistration(type)
        .preferring(MIMEType.TEXT_HTML)
        .register(
            (value, context) -> {
              if (!context.wantsDataRenderedAs(MIMEType.TEXT_HTML)) return;
              String page = html.apply(value);
              // NOTE: a tensor too large for a table (null) keeps only the text JJava adds.
              if (page != null) context.getOutputContainer().putHTML(page);
            });
  }
}
