package dl.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import dl.train.ConfusionMatrix;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** JJava's own kernel library (jjava-jupyter) renders the library's values through JJavaDisplay. */
class JJavaDisplayTest {

  /**
   * The part of JJava's kernel that finds extensions and renders a cell's value; the cell "runs" by
   * returning the object it was given.
   */
  static final class ValueKernel extends BaseKernel {
    Object value;

    ValueKernel() {
      super(
          "test",
          "0",
          null,
          List.of(),
          null,
          new JupyterIO(StandardCharsets.UTF_8),
          new CommManager(),
          new Renderer(),
          null,
          null,
          true,
          new StringStyler.Builder().build());
    }

    @Override
    public Object evalRaw(String source) {
      return value;
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
      return IS_COMPLETE_YES;
    }

    DisplayData show(Object v) {
      value = v;
      return eval("v");
    }
  }

  private static String html(DisplayData d) {
    return (String) d.getData(MIMEType.TEXT_HTML);
  }

  @Test
  void theKernelFindsTheExtensionAtStartUpAndShowsValuesAsHtmlWithTheirText() {
    ValueKernel kernel = new ValueKernel();
    Tensor small = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    assertFalse(kernel.show(small).hasDataForType(MIMEType.TEXT_HTML), "before the extension");
    // NOTE: onStartup is where JJava looks for extensions on its class path (ServiceLoader); a
    // %jars line does the same for the jars it adds.
    kernel.onStartup();
    try {
      DisplayData d = kernel.show(small);
      assertEquals(Html.tensor(small), html(d));
      assertEquals(small.toString(), d.getData(MIMEType.TEXT_PLAIN));

      ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 1, 1}, new int[] {0, 1, 0}, 2);
      assertEquals(Html.confusion(m), html(kernel.show(m)));

      Table t = Tables.of("runs", Map.of("acc", new double[] {0.5, 0.75}));
      DisplayData table = kernel.show(t);
      assertEquals(Html.table(t), html(table));
      assertEquals(t.toString(), table.getData(MIMEType.TEXT_PLAIN));
    } finally {
      kernel.onShutdown(false);
    }
  }

  @Test
  void aTensorTooLargeForATableIsShownAsTextOnly() {
    Renderer renderer = new Renderer();
    JJavaDisplay.register(renderer);
    Tensor big = Tensor.zeros(3, 3, 3);
    DisplayData d = renderer.render(big);
    assertNull(d.getData(MIMEType.TEXT_HTML));
    assertEquals(big.toString(), d.getData(MIMEType.TEXT_PLAIN));
  }

  @Test
  void askedForTextOnlyTheRendererAddsNoHtml() {
    Renderer renderer = new Renderer();
    JJavaDisplay.register(renderer);
    DisplayData d = renderer.renderAs(Tensor.of(1, 2), "text/plain");
    assertNull(d.getData(MIMEType.TEXT_HTML));
    assertTrue(String.valueOf(d.getData(MIMEType.TEXT_PLAIN)).startsWith("tensor("));
  }
}
