package dl.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Tables to tensors: reads CSV files with Tablesaw and turns a table into a {@link TensorDataset}
 * whose inputs are the numeric feature columns and whose target is one column.
 *
 * <pre>{@code
 * jshell> var table = Tabular.read(Path.of("data/iris.csv"));
 * jshell> var ds = Tabular.toDataset(table, "species");
 * ds ==> TensorDataset(150 examples, x [4], y [], 3 classes)
 * jshell> ds.classNames()
 * $3 ==> [setosa, versicolor, virginica]
 * }</pre>
 */
public final class Tabular {
  private Tabular() {}

  /** Reads a CSV file with a header row; column types are detected by Tablesaw. */
  public static Table read(Path csv) {
    try {
      return Table.read().usingOptions(CsvReadOptions.builder(csv.toFile()).header(true));
    } catch (RuntimeException e) {
      throw new DataException(csv + ": cannot read as CSV (" + e.getMessage() + ")", e);
    }
  }

  /**
   * A dataset from a table: every numeric column except {@code target} is a feature (in table
   * order). A text target becomes class indices, classes named in sorted order; a numeric target is
   * kept as it is (regression, or classes already numbered). Shape: x [rows, features], y [rows].
   */
  public static TensorDataset toDataset(Table table, String target) {
    List<String> features = new ArrayList<>();
    for (Column<?> c : table.columns()) {
      if (!c.name().equals(target) && c instanceof NumericColumn<?>) features.add(c.name());
    }
    return toDataset(table, target, features.toArray(new String[0]));
  }

  /** A dataset from the given feature columns (numeric) and target column. */
  public static TensorDataset toDataset(Table table, String target, String... features) {
    if (!table.columnNames().contains(target)) {
      throw new DataException(
          table.name()
              + ": no target column '"
              + target
              + "' (columns: "
              + table.columnNames()
              + ")");
    }
    if (features.length == 0)
      throw new DataException(
          table.name() + ": no numeric feature columns besides '" + target + "'");
    int rows = table.rowCount(), f = features.length;
    float[] x = new float[rows * f];
    for (int j = 0; j < f; j++) {
      if (!table.columnNames().contains(features[j])) {
        throw new DataException(
            table.name()
                + ": no column '"
                + features[j]
                + "' (columns: "
                + table.columnNames()
                + ")");
      }
      Column<?> col = table.column(features[j]);
      if (!(col instanceof NumericColumn<?> num))
        throw new DataException(
            table.name() + ": column '" + features[j] + "' is " + col.type() + ", not numeric");
      for (int i = 0; i < rows; i++) {
        if (num.isMissing(i))
          throw new DataException(
              table.name() + ": missing value in column '" + features[j] + "' at row " + i);
        x[i * f + j] = (float) num.getDouble(i);
      }
    }
    Column<?> t = table.column(target);
    float[] y = new float[rows];
    List<String> classNames = List.of();
    if (t instanceof NumericColumn<?> num) {
      for (int i = 0; i < rows; i++) {
        if (num.isMissing(i))
          throw new DataException(table.name() + ": missing target '" + target + "' at row " + i);
        y[i] = (float) num.getDouble(i);
      }
    } else {
      TreeSet<String> names = new TreeSet<>();
      for (int i = 0; i < rows; i++) {
        if (t.isMissing(i))
          throw new DataException(table.name() + ": missing target '" + target + "' at row " + i);
        names.add(t.getString(i));
      }
      classNames = List.copyOf(names);
      for (int i = 0; i < rows; i++) y[i] = classNames.indexOf(t.getString(i));
    }
    return new TensorDataset(x, new int[] {f}, y, new int[0], classNames);
  }

  /** {@link #read} then {@link #toDataset(Table, String)}. */
  public static TensorDataset readCsv(Path csv, String target) {
    return toDataset(read(csv), target);
  }
}
