package dl.viz;

import dl.tensor.Tensor;
import dl.train.ConfusionMatrix;
import java.util.List;
import java.util.function.Function;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;
import tech.tablesaw.api.Table;

/**
 * Tells the course kernel (rapaio) to show Tablesaw tables, confusion matrices and small tensors as
 * HTML ({@link Html}) when they are a cell's value, with their text kept beside it for front ends
 * that show text only. The kernel finds this class through {@code META-INF/services} when a
 * notebook's {@code %jars} line loads the library; no notebook calls it. Other kernels never load
 * it and show the text.
 */
public final class JupyterDisplay implements DisplayProvider {

  @Override
  public List<DisplayRenderer> getDisplayRenderers() {
    return List.of(
        renderer(Table.class, Html::table),
        renderer(ConfusionMatrix.class, Html::confusion),
        renderer(Tensor.class, Html::tensor));
  }

  @Override
  public List<DisplayTransformer> getDisplayTransformers() {
    return List.of();
  }

  /** A renderer for {@code type}: HTML from {@code html} (null: text only) and the text form. */
  static <T> DisplayRenderer renderer(Class<T> type, Function<T, String> html) {
    return new DisplayRenderer() {
      @Override
      public Class<?> rendererClass() {
        return type;
      }

      @Override
      public boolean canRender(String mime) {
        return mime == null || mime.isEmpty() || mime.contains("html") || mime.contains("text");
      }

      @Override
      public DisplayData render(String mime, Object value) {
        T v = type.cast(value);
        String text = String.valueOf(v);
        String page = html.apply(v);
        DisplayData d = page == null ? DisplayData.fromText(text) : DisplayData.fromHtml(page);
        if (page != null) d.putText(text);
        return d;
      }
    };
  }
}
