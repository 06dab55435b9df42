package dl.data;

import dl.Check;
import dl.io.SafeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
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
 *
 * <p>Nothing is changed or dropped silently: a column is numeric only if every cell is a plain
 * number ({@code 1.5}, {@code -2e3}; not {@code "1,5"}, which Tablesaw alone would read as 15), and
 * {@link #toDataset(Table, String)} fails, naming the column, the row and the value, when a column
 * it would use is not numeric. An empty or ragged file is an error naming the file.
 */
public final class Tabular {
  private Tabular() {}

  /** A plain decimal number: no thousands separators, no percent sign, no NaN. */
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,9}");

  /**
   * Reads a CSV file with a header row. A column whose cells are all plain numbers (or empty) is
   * numeric (whole numbers: int, else double); any other column is text.
   */
  public static Table read(Path csv) {
    String text;
    try {
      text = Files.readString(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DataException(csv + ": cannot read (" + SafeFiles.reason(e) + ")", e);
    } catch (RuntimeException e) {
      throw new DataException(csv + ": cannot read as UTF-8 text (" + e.getMessage() + ")", e);
    }
    if (text.isBlank())
      throw new DataException(csv + ": the file is empty; a CSV file needs a header row");
    checkNotRagged(csv, text);
    Table raw;
    try {
      // Every column as text first, so that our strict number rule, not Tablesaw's lenient one,
      // decides what is numeric.
      raw =
          Table.read()
              .usingOptions(
                  CsvReadOptions.builder(new java.io.StringReader(text))
                      .tableName(csv.getFileName().toString())
                      .header(true)
                      .columnTypes(name -> ColumnType.STRING));
    } catch (RuntimeException e) {
      throw new DataException(csv + ": cannot read as CSV (" + e.getMessage() + ")", e);
    }
    Table out = Table.create(raw.name());
    for (Column<?> c : raw.columns()) out.addColumns(typed((StringColumn) c));
    return out;
  }

  /** Every data line must have as many fields as the header (Tablesaw would pad or cut it). */
  private static void checkNotRagged(Path csv, String text) {
    var parser =
        new com.univocity.parsers.csv.CsvParser(new com.univocity.parsers.csv.CsvParserSettings());
    parser.beginParsing(new java.io.StringReader(text));
    try {
      String[] row;
      int record = 0, columns = -1;
      while ((row = parser.parseNext()) != null) {
        if (row.length == 1 && row[0] == null) continue; // a blank line
        if (columns < 0) columns = row.length; // the header
        else if (row.length != columns) {
          throw new DataException(
              Check.message(
                  csv.toString(),
                  "row %s (line %s) has %s fields but the header has %s",
                  record - 1,
                  parser.getContext().currentLine(),
                  row.length,
                  columns));
        }
        record++;
      }
    } catch (com.univocity.parsers.common.TextParsingException e) {
      throw new DataException(csv + ": cannot read as CSV (" + e.getMessage() + ")", e);
    } finally {
      parser.stopParsing();
    }
  }

  /** A finite number in plain decimal notation ({@code 1e999} overflows to infinity: not one). */
  private static boolean isPlainNumber(String v) {
    return NUMBER.matcher(v).matches() && Double.isFinite(Double.parseDouble(v));
  }

  /** A text column as numbers when every cell is a plain number or empty. */
  private static Column<?> typed(StringColumn c) {
    boolean allInts = true;
    for (int i = 0; i < c.size(); i++) {
      String v = c.get(i).trim();
      if (v.isEmpty()) continue;
      if (!isPlainNumber(v)) return c;
      allInts &= INTEGER.matcher(v).matches();
    }
    if (allInts) {
      IntColumn ints = IntColumn.create(c.name());
      for (int i = 0; i < c.size(); i++) {
        String v = c.get(i).trim();
        if (v.isEmpty()) ints.appendMissing();
        else ints.append(Integer.parseInt(v));
      }
      return ints;
    }
    DoubleColumn doubles = DoubleColumn.create(c.name());
    for (int i = 0; i < c.size(); i++) {
      String v = c.get(i).trim();
      if (v.isEmpty()) doubles.appendMissing();
      else doubles.append(Double.parseDouble(v));
    }
    return doubles;
  }

  /** The first cell of a text column that is not a plain number, as "row i has 'v'". */
  private static String firstNonNumber(Column<?> c) {
    for (int i = 0; i < c.size(); i++) {
      String v = c.getString(i).trim();
      if (!v.isEmpty() && !isPlainNumber(v)) return "row " + i + " has '" + v + "'";
    }
    return "its type is " + c.type();
  }

  /**
   * A dataset from a table: every column except {@code target} is a feature (in table order) and
   * must be numeric; a column that is not is an error naming it, its first non-number and the row
   * (choose the features with {@link #toDataset(Table, String, String...)} to leave it out). A text
   * target becomes class indices, classes named in sorted order; a numeric target is kept as it is
   * (regression, or classes already numbered). Shape: x [rows, features], y [rows].
   */
  public static TensorDataset toDataset(Table table, String target) {
    checkTarget(table, target);
    List<String> features = new ArrayList<>();
    for (Column<?> c : table.columns()) {
      if (c.name().equals(target)) continue;
      if (!(c instanceof NumericColumn<?>)) {
        throw new DataException(
            Check.message(
                table.name(),
                "column '%s' is not numeric (%s); fix the value, or leave the column out by naming the features: Tabular.toDataset(table, \"%s\", \"feature1\", ...)",
                c.name(),
                firstNonNumber(c),
                target));
      }
      features.add(c.name());
    }
    return toDataset(table, target, features.toArray(new String[0]));
  }

  /** A dataset from the given feature columns (numeric) and target column. */
  public static TensorDataset toDataset(Table table, String target, String... features) {
    checkTarget(table, target);
    if (table.rowCount() == 0)
      throw new DataException(table.name() + ": the table has a header but no rows");
    if (features.length == 0)
      throw new DataException(
          Check.message(table.name(), "no numeric feature columns besides '%s'", target));
    int rows = table.rowCount(), f = features.length;
    float[] x = new float[rows * f];
    for (int j = 0; j < f; j++) {
      if (!table.columnNames().contains(features[j])) {
        throw new DataException(
            Check.message(
                table.name(), "no column '%s' (columns: %s)", features[j], table.columnNames()));
      }
      Column<?> col = table.column(features[j]);
      if (!(col instanceof NumericColumn<?> num))
        throw new DataException(
            Check.message(
                table.name(), "column '%s' is not numeric (%s)", features[j], firstNonNumber(col)));
      for (int i = 0; i < rows; i++) {
        if (num.isMissing(i))
          throw new DataException(
              Check.message(
                  table.name(), "missing value in column '%s' at row %s", features[j], i));
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

  private static void checkTarget(Table table, String target) {
    if (!table.columnNames().contains(target)) {
      throw new DataException(
          Check.message(
              table.name(), "no target column '%s' (columns: %s)", target, table.columnNames()));
    }
  }

  /** {@link #read} then {@link #toDataset(Table, String)}. */
  public static TensorDataset readCsv(Path csv, String target) {
    return toDataset(read(csv), target);
  }
}
