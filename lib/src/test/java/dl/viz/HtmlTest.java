package dl.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import dl.train.ConfusionMatrix;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import tech.tablesaw.api.Table;

class HtmlTest {

  private static int count(String s, String part) {
    return s.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  @Test
  void aTableBecomesOneRowPerRowWithTheFormattersNumbersAndEscapedNames() {
    Map<String, double[]> cols = new LinkedHashMap<>();
    cols.put("x<y", new double[] {1, 2, 3});
    cols.put("acc", new double[] {0.9531, 0.5, 0.25});
    Table t = Tables.percent(Tables.of("runs & more", cols), 1, "acc");
    String html = Html.table(t);
    assertEquals(4, count(html, "<tr>"), html); // header + 3 rows
    assertTrue(html.contains("x&lt;y"), html);
    assertTrue(html.contains("runs &amp; more (3 rows)"), html);
    assertTrue(html.contains(">95.3%<"), html); // the column's formatter, not the raw double
  }

  @Test
  void aConfusionMatrixShadesTheDiagonalAndTheMistakesByTheirShareOfTheRow() {
    ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 1}, 2);
    String html = Html.confusion(m);
    assertTrue(html.contains("accuracy 0.7500"), html);
    assertEquals(4, count(html, "<td"), html); // the 2x2 counts; class names are <th>
    assertTrue(html.contains("rgba(66,133,244,0.80)\">1<"), html); // row 0: all correct
    assertTrue(html.contains("rgba(219,68,55,0.27)\">1<"), html); // row 1: one of three wrong
  }

  @Test
  void smallTensorsAreGridsAndLargeOnesAreLeftToText() {
    Tensor t = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    String html = Html.tensor(t);
    assertEquals(2, count(html, "<tr>"), html);
    assertEquals(6, count(html, "<td"), html);
    assertTrue(html.contains("tensor [2, 3]") || html.contains("tensor [2,3]"), html);
    assertTrue(html.contains(">6.0000<"), html);
    assertEquals(1, count(Html.tensor(Tensor.scalar(2.5)), "<td"));
    assertNull(Html.tensor(Tensor.zeros(2, 2, 2)));
    assertNull(Html.tensor(Tensor.zeros(Html.MAX_TENSOR_CELLS + 1)));
  }

  @Test
  void theGradFnIsNamedAsTheTextNamesIt() {
    Tensor x = Tensor.of(-1, 2).requiresGrad(true);
    for (Tensor y : new Tensor[] {x.relu(), x.tanh(), x.sigmoid(), x.mul(x)}) {
      String name = y.gradFn().name();
      assertTrue(y.toString().contains("grad_fn=" + name), y.toString());
      assertTrue(Html.tensor(y).contains("grad_fn=" + name + "<"), Html.tensor(y));
      assertTrue(!name.endsWith("Op"), name);
    }
  }

  @Test
  void theCourseKernelGetsHtmlWithTheTextBesideIt() {
    DisplayRenderer r = null;
    for (DisplayRenderer d : new JupyterDisplay().getDisplayRenderers())
      if (d.rendererClass() == Tensor.class) r = d;
    Tensor small = Tensor.of(1, 2);
    DisplayData d = r.render("text/html", small);
    assertTrue(String.valueOf(d.data().get("text/html")).contains("<table"), d.data().toString());
    assertEquals(small.toString(), d.data().get("text/plain"));
    Tensor big = Tensor.zeros(3, 3, 3);
    DisplayData text = r.render("text/html", big);
    assertNull(text.data().get("text/html"));
    assertEquals(big.toString(), text.data().get("text/plain"));
  }
}
