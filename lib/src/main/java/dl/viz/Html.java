package dl.viz;

import dl.tensor.Tensor;
import dl.train.ConfusionMatrix;
import java.util.Locale;
import tech.tablesaw.api.Table;

/**
 * HTML for what a notebook would rather show than print: Tablesaw tables, confusion matrices and
 * small tensors. The course kernel shows a cell's value this way by itself ({@link
 * JupyterDisplay}); elsewhere the text form ({@code toString()}) stays what is shown.
 *
 * <pre>{@code
 * jshell> Html.tensor(Tensor.of(new double[][] {{1, 2}, {3, 4}}))
 * <table class="dl-tensor">…<tr><td>1.0000</td><td>2.0000</td></tr>…</table>
 * }</pre>
 */
public final class Html {
  /** Tensors with more elements than this are shown as text (a table would not help). */
  public static final int MAX_TENSOR_CELLS = 400;

  private static final String TABLE_STYLE =
      "border-collapse:collapse;font-family:monospace;font-size:12px;text-align:right";
  private static final String CELL = "padding:2px 8px;border:1px solid #ddd";

  private Html() {}

  /** A Tablesaw table with its name as caption; numbers as the columns' formatters show them. */
  public static String table(Table table) {
    StringBuilder sb = open("dl-table", table.name() + " (" + table.rowCount() + " rows)");
    sb.append("<tr>");
    for (String name : table.columnNames()) header(sb, name);
    sb.append("</tr>");
    for (int r = 0; r < table.rowCount(); r++) {
      sb.append("<tr>");
      for (int c = 0; c < table.columnCount(); c++) cell(sb, table.column(c).getString(r), null);
      sb.append("</tr>");
    }
    return sb.append("</table>").toString();
  }

  /**
   * A confusion matrix, rows = truth and columns = predicted, each cell shaded by its share of its
   * row, so the mistakes stand out.
   */
  public static String confusion(ConfusionMatrix m) {
    String caption =
        String.format(
            Locale.ROOT,
            "confusion matrix (rows = truth, columns = predicted), accuracy %.4f",
            m.accuracy());
    StringBuilder sb = open("dl-confusion", caption);
    sb.append("<tr><th style=\"").append(CELL).append("\"></th>");
    for (String n : m.classNames()) header(sb, n);
    sb.append("</tr>");
    int[][] counts = m.counts();
    for (int i = 0; i < counts.length; i++) {
      sb.append("<tr>");
      header(sb, m.classNames()[i]);
      long rowTotal = 0;
      for (int c : counts[i]) rowTotal += c;
      for (int j = 0; j < counts[i].length; j++) {
        double share = rowTotal == 0 ? 0 : counts[i][j] / (double) rowTotal;
        // NOTE: the diagonal in blue, mistakes in red; the share of the row sets the strength.
        String rgb = i == j ? "66,133,244" : "219,68,55";
        String shade = String.format(Locale.ROOT, "background:rgba(%s,%.2f)", rgb, share * 0.8);
        cell(sb, Integer.toString(counts[i][j]), shade);
      }
      sb.append("</tr>");
    }
    return sb.append("</table>").toString();
  }

  /**
   * A tensor of at most two dimensions and {@value #MAX_TENSOR_CELLS} elements as a grid of numbers
   * under its shape, type and gradient function; null for anything larger (show its text instead).
   */
  public static String tensor(Tensor t) {
    int[] dims = t.shape().toArray();
    if (dims.length > 2 || t.shape().numel() > MAX_TENSOR_CELLS) return null;
    int rows = dims.length == 2 ? dims[0] : 1;
    int cols = dims.length == 0 ? 1 : dims[dims.length - 1];
    double[] v = t.toDoubleArray();
    String caption =
        "tensor "
            + t.shape()
            + " "
            + t.dtype().toString().toLowerCase(Locale.ROOT)
            + (t.gradFn() != null
                ? ", grad_fn=" + t.gradFn().name()
                : t.requiresGrad() ? ", requires_grad" : "");
    StringBuilder sb = open("dl-tensor", caption);
    for (int r = 0; r < rows; r++) {
      sb.append("<tr>");
      for (int c = 0; c < cols; c++)
        cell(sb, String.format(Locale.ROOT, "%.4f", v[r * cols + c]), null);
      sb.append("</tr>");
    }
    return sb.append("</table>").toString();
  }

  /** Text made safe to put inside HTML. */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }

  private static StringBuilder open(String cssClass, String caption) {
    return new StringBuilder("<table class=\"")
        .append(cssClass)
        .append("\" style=\"")
        .append(TABLE_STYLE)
        .append("\"><caption style=\"text-align:left;font-family:monospace\">")
        .append(escape(caption))
        .append("</caption>");
  }

  private static void header(StringBuilder sb, String text) {
    sb.append("<th style=\"").append(CELL).append(";background:#f4f4f4\">");
    sb.append(escape(text)).append("</th>");
  }

  private static void cell(StringBuilder sb, String text, String extraStyle) {
    sb.append("<td style=\"").append(CELL);
    if (extraStyle != null) sb.append(';').append(extraStyle);
    sb.append("\">").append(escape(text)).append("</td>");
  }
}
