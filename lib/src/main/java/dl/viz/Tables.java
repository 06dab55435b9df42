package dl.viz;

import dl.Check;
import dl.tensor.Tensor;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Small Tablesaw helpers so tables print readably in a notebook ({@code table.print()}, or a table
 * as a cell's value): build one from arrays or a tensor, and fix the decimals shown.
 *
 * <pre>{@code
 * jshell> Tables.of(Tensor.of(new double[][] {{-2, 0.1192}, {0, 0.5}, {2, 0.8808}}), "x", "sigmoid(x)").print()
 *        tensor [3,2]
 *     x     |  sigmoid(x)  |
 * --------------------------
 *  -2.0000  |      0.1192  |
 *   0.0000  |      0.5000  |
 *   2.0000  |      0.8808  |
 * jshell> Tables.percent(Tables.decimals(history, 4), 1, "accuracy", "val_accuracy")   // 0.9531 → 95.3%
 * }</pre>
 */
public final class Tables {
  private Tables() {}

  /** A table with one number column per map entry, in the map's order (use a LinkedHashMap). */
  public static Table of(Map<String, double[]> columns) {
    return of("table", columns);
  }

  /** {@link #of(Map)} with a name printed above the table. */
  public static Table of(String name, Map<String, double[]> columns) {
    Table t = Table.create(name);
    int rows = -1;
    for (var e : columns.entrySet()) {
      if (rows >= 0 && e.getValue().length != rows) {
        throw Check.badArgument(
            "Tables.of",
            "column '%s' has %s values, the ones before it %s",
            e.getKey(),
            e.getValue().length,
            rows);
      }
      rows = e.getValue().length;
      t.addColumns(DoubleColumn.create(e.getKey(), e.getValue()));
    }
    return t;
  }

  /**
   * A tensor's rows as table rows: [N] gives one column, [N, K] gives K, printed with 4 decimals.
   * Names default to c0, c1, .... Shape: t [N] or [N, K].
   */
  public static Table of(Tensor t, String... columnNames) {
    int[] s = t.shape().toArray();
    if (s.length != 1 && s.length != 2)
      throw Check.badArgument(
          "Tables.of", "expected a tensor [N] or [N, K], got shape %s", t.shape());
    int n = s[0];
    int k = s.length == 1 ? 1 : s[1];
    if (columnNames.length != 0 && columnNames.length != k) {
      throw Check.badArgument("Tables.of", "%s names for %s columns", columnNames.length, k);
    }
    double[] d = t.toDoubleArray();
    Table table = Table.create("tensor " + t.shape());
    for (int j = 0; j < k; j++) {
      double[] col = new double[n];
      for (int i = 0; i < n; i++) col[i] = d[i * k + j];
      table.addColumns(
          DoubleColumn.create(columnNames.length == k ? columnNames[j] : "c" + j, col));
    }
    // NOTE: float32 values printed as doubles show noise digits (0.6431406736373901).
    return decimals(table, 4);
  }

  /**
   * Shows every floating-point column of {@code table} with {@code n} decimals; returns the table.
   */
  public static Table decimals(Table table, int n) {
    for (Column<?> c : table.columns()) {
      if (c instanceof DoubleColumn || c instanceof tech.tablesaw.api.FloatColumn)
        decimals(table, n, c.name());
    }
    return table;
  }

  /**
   * Shows the named number columns with {@code n} decimals (e.g. 4 for a loss); returns the table.
   */
  public static Table decimals(Table table, int n, String... columns) {
    if (n < 0 || n > 15) throw new IllegalArgumentException("decimals: " + n + " is not in 0..15");
    String pattern = n == 0 ? "0" : "0." + "0".repeat(n);
    for (String name : columns) {
      numeric(table, name)
          .setPrintFormatter(
              new NumberColumnFormatter(
                  new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT))));
    }
    return table;
  }

  /** Shows the named columns of fractions (0.953) as percentages (95.3%); returns the table. */
  public static Table percent(Table table, int decimals, String... columns) {
    for (String name : columns)
      numeric(table, name).setPrintFormatter(NumberColumnFormatter.percent(decimals));
    return table;
  }

  /** One column of a table as numbers, e.g. {@code Tables.column(history, "loss")} for a chart. */
  public static double[] column(Table table, String name) {
    return numeric(table, name).asDoubleArray();
  }

  /** A confusion matrix as text: one row per true class, one column per predicted class. */
  public static Table confusionMatrix(int[][] counts, String... classNames) {
    int k = counts.length;
    String[] names = classNames.length == k ? classNames : Labels.indexNames(k);
    Table t = Table.create("confusion matrix (rows: true, columns: predicted)");
    t.addColumns(StringColumn.create("true \\ pred", names));
    for (int j = 0; j < k; j++) {
      int[] col = new int[k];
      for (int i = 0; i < k; i++) {
        if (counts[i].length != k)
          throw Check.badArgument(
              "confusionMatrix", "row %s has %s counts, expected %s", i, counts[i].length, k);
        col[i] = counts[i][j];
      }
      t.addColumns(IntColumn.create(names[j], col));
    }
    return t;
  }

  private static NumericColumn<?> numeric(Table table, String name) {
    if (!table.containsColumn(name)) {
      throw Check.badArgument(
          "Tables",
          "table '%s' has no column '%s' (columns: %s)",
          table.name(),
          name,
          table.columnNames());
    }
    Column<?> c = table.column(name);
    if (!(c instanceof NumericColumn<?> n))
      throw new IllegalArgumentException(
          "column '" + name + "' holds " + c.type() + ", not numbers");
    return n;
  }
}
