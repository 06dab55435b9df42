package dl.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler.ChartTheme;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * A matrix drawn as coloured cells, row 0 at the top: a confusion matrix (counts written in the
 * cells) or any 2-D tensor (with a colour bar). Made by {@link Plots#confusionMatrix} and {@link
 * Plots#heatmap}; every method returns a new heatmap. XChart's {@code HeatMapChart} draws the
 * cells, the axes and the colour bar; the numbers in the cells are ours (see {@code paintValues}).
 *
 * <pre>{@code
 * jshell> Plots.heatmap(w).title("W1").colormap(Colormap.DIVERGING).values(false)
 * }</pre>
 */
public final class Heatmap extends Figure {
  /** Everything a heatmap is drawn from; copied when a setting changes. */
  static final class Spec implements Cloneable {
    final double[][] values;
    int width = WIDTH;
    int height = HEIGHT;
    String title;
    String xLabel;
    String yLabel;
    String[] rowNames;
    String[] columnNames;
    Colormap colormap;
    double[] range;
    Boolean showValues;
    int decimals = -1;
    boolean colorbar = true;

    Spec(double[][] values) {
      if (values.length == 0 || values[0].length == 0)
        throw new IllegalArgumentException("heatmap: the matrix is empty");
      for (double[] row : values) {
        if (row.length != values[0].length)
          throw new IllegalArgumentException("heatmap: rows have different lengths");
      }
      this.values = values;
    }

    Spec copy() {
      try {
        return (Spec) super.clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final Spec spec;
  private Rectangle2D cells; // where XChart put the cells, in pixels

  Heatmap(Spec spec) {
    super(
        spec.width,
        spec.height,
        (w, h) -> {
          Spec s = spec.copy();
          s.width = w;
          s.height = h;
          return new Heatmap(s);
        });
    this.spec = spec;
    paint();
  }

  private Heatmap with(Consumer<Spec> change) {
    Spec s = spec.copy();
    change.accept(s);
    return new Heatmap(s);
  }

  /** The same heatmap with a title above it. */
  public Heatmap title(String title) {
    return with(s -> s.title = title);
  }

  /** The same heatmap with a label under the columns. */
  public Heatmap xLabel(String label) {
    return with(s -> s.xLabel = label);
  }

  /** The same heatmap with a label beside the rows. */
  public Heatmap yLabel(String label) {
    return with(s -> s.yLabel = label);
  }

  /** The same heatmap with names for its rows (top to bottom). */
  public Heatmap rowNames(String... names) {
    checkNames("rowNames", names, rows());
    return with(s -> s.rowNames = names.clone());
  }

  /** The same heatmap with names for its columns (left to right). */
  public Heatmap columnNames(String... names) {
    checkNames("columnNames", names, columns());
    return with(s -> s.columnNames = names.clone());
  }

  /** The same heatmap in another colour map ({@link Colormap#DIVERGING} centres zero). */
  public Heatmap colormap(Colormap colormap) {
    return with(s -> s.colormap = colormap);
  }

  /** The same heatmap with colours spread over {@code [min, max]} instead of the data's range. */
  public Heatmap range(double min, double max) {
    if (!(min < max))
      throw new IllegalArgumentException("range: need min < max, got [" + min + ", " + max + "]");
    return with(s -> s.range = new double[] {min, max});
  }

  /** The same heatmap with the numbers written in the cells, or not (default: when they fit). */
  public Heatmap values(boolean show) {
    return with(s -> s.showValues = show);
  }

  /** The same heatmap writing cell values with {@code n} decimals. */
  public Heatmap decimals(int n) {
    if (n < 0 || n > 10) throw new IllegalArgumentException("decimals: " + n + " is not in 0..10");
    return with(s -> s.decimals = n);
  }

  /** The same heatmap with or without the colour bar on the right. */
  public Heatmap colorbar(boolean show) {
    return with(s -> s.colorbar = show);
  }

  /** The same heatmap redrawn at {@code width x height} pixels. */
  @Override
  public Heatmap size(int width, int height) {
    return with(
        s -> {
          s.width = width;
          s.height = height;
        });
  }

  private int rows() {
    return spec.values.length;
  }

  private int columns() {
    return spec.values[0].length;
  }

  private static void checkNames(String op, String[] names, int n) {
    if (names.length != n)
      throw new IllegalArgumentException(op + ": " + names.length + " names for " + n + " entries");
  }

  // ================================================================ drawing

  /**
   * A point in cell (row, column), {@code fx, fy} in [0, 1] across it, in pixels (tests read
   * colours there).
   */
  double[] cellPoint(int row, int column, double fx, double fy) {
    return new double[] {
      cells.getX() + (column + fx) * cells.getWidth() / columns(),
      cells.getY() + (row + fy) * cells.getHeight() / rows()
    };
  }

  private Colormap colormap() {
    if (spec.colormap != null) return spec.colormap;
    double[] mm = minMax();
    return mm[0] < 0 && mm[1] > 0 ? Colormap.DIVERGING : Colormap.VIRIDIS;
  }

  private double[] minMax() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] row : spec.values) {
      for (double v : row) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) return new double[] {0, 1};
    return new double[] {lo, hi};
  }

  /**
   * The values the colour scale runs between: as set, else the data's range (symmetric around zero
   * for the diverging map) widened to three significant digits, because XChart writes the colour
   * bar's ends with every digit a double has.
   */
  private double[] range(Colormap cm) {
    if (spec.range != null) return spec.range;
    double[] mm = minMax();
    if (cm == Colormap.DIVERGING) {
      double m = roundAway(Math.max(Math.abs(mm[0]), Math.abs(mm[1])));
      return m > 0 ? new double[] {-m, m} : new double[] {-1, 1};
    }
    if (mm[0] == mm[1]) return new double[] {mm[0] - 0.5, mm[1] + 0.5};
    return new double[] {-roundAway(-mm[0]), roundAway(mm[1])};
  }

  /** {@code v} rounded up (towards +infinity) to three significant digits. */
  private static double roundAway(double v) {
    if (v == 0 || !Double.isFinite(v)) return v;
    return new BigDecimal(v).round(new MathContext(3, RoundingMode.CEILING)).doubleValue();
  }

  /**
   * Decimals for the cell values: as set, else one number for the whole matrix (reads better than
   * "%.2g" per cell).
   */
  private int valueDecimals() {
    if (spec.decimals >= 0) return spec.decimals;
    boolean integers = true;
    for (double[] row : spec.values)
      for (double v : row) integers &= !Double.isFinite(v) || v == Math.rint(v);
    if (integers) return 0;
    double[] mm = minMax();
    double m = Math.max(Math.abs(mm[0]), Math.abs(mm[1]));
    return m >= 100 ? 0 : m >= 10 ? 1 : 2;
  }

  /** XChart's heat map, which exposes where it put the cells after painting. */
  private static final class CellChart extends HeatMapChart {
    CellChart(int width, int height) {
      // NOTE: the constructor without a theme leaves HeatMapStyler's fields unset (null locale,
      // no tick labels, a black legend); naming XChart's own theme sets them.
      super(width, height, ChartTheme.XChart);
    }

    Rectangle2D cells() {
      return plot.getBounds();
    }
  }

  private void paint() {
    int rows = rows();
    int cols = columns();
    Colormap cm = colormap();
    double[] range = range(cm);
    CellChart chart = new CellChart(spec.width, spec.height);
    HeatMapStyler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(new Color(cm.rgb(Double.NaN))); // missing values (NaN) show it
    s.setPlotBorderVisible(true);
    s.setPlotBorderColor(Style.BORDER);
    s.setPlotGridLinesVisible(false);
    s.setAxisTicksLineVisible(false);
    s.setAxisTickMarksColor(Style.BORDER);
    s.setChartFontColor(Style.TEXT);
    s.setAxisTickLabelsColor(Style.TEXT);
    s.setChartTitleFont(Style.TITLE);
    s.setChartTitleBoxVisible(false);
    s.setAxisTitleFont(Style.AXIS_TITLE);
    s.setAxisTickLabelsFont(Style.TICKS);
    s.setLegendFont(Style.TICKS);
    s.setLegendBorderColor(Color.WHITE);
    s.setChartPadding(12);
    s.setPlotContentSize(1.0);
    s.setToolTipsEnabled(false);
    s.setAntiAlias(true);
    s.setChartTitleVisible(hasText(spec.title));
    if (hasText(spec.title)) chart.setTitle(spec.title);
    s.setXAxisTitleVisible(hasText(spec.xLabel));
    if (hasText(spec.xLabel)) chart.setXAxisTitle(spec.xLabel);
    s.setYAxisTitleVisible(hasText(spec.yLabel));
    if (hasText(spec.yLabel)) chart.setYAxisTitle(spec.yLabel);
    s.setRangeColors(cm.stops());
    s.setMin(range[0]);
    s.setMax(range[1]);
    s.setLegendVisible(spec.colorbar);
    s.setLegendPosition(LegendPosition.OutsideE);
    s.setGradientColorColumnWeight(16);
    // NOTE: the colour bar has a fixed height in XChart; about the plot's height looks right.
    s.setGradientColorColumnHeight(Math.max(40, spec.height - 150));
    // NOTE: XChart can write the values in the cells, but in one colour for all of them, which
    // vanishes on dark cells (a confusion matrix's diagonal); ours are drawn below, white on dark.
    s.setShowValue(false);
    s.setDrawBorder(true); // each cell outlined in its own colour: no seams between cells

    // XChart's rows run upwards from y = 0; ours run down from row 0, so row r is y = rows-1-r.
    // The plot's size is only known after painting; these guesses leave room for the row names,
    // the colour bar, the title and the column names.
    int plotWidth = spec.width - (spec.colorbar ? 150 : 70);
    int plotHeight = spec.height - 90;
    List<String> columnTicks = ticks(spec.columnNames, cols, plotWidth, 22);
    List<String> rowTicks = new ArrayList<>(ticks(spec.rowNames, rows, plotHeight, 18));
    Collections.reverse(rowTicks);
    List<Number[]> heat = new ArrayList<>(); // {column, row from the bottom, value} per cell
    for (int r = 0; r < rows; r++)
      for (int c = 0; c < cols; c++)
        if (!Double.isNaN(spec.values[r][c]))
          heat.add(new Number[] {c, rows - 1 - r, spec.values[r][c]});
    chart.addSeries("values", columnTicks, rowTicks, heat).setMin(range[0]).setMax(range[1]);
    if (spec.columnNames != null && crowded(spec.columnNames, (double) plotWidth / cols))
      s.setXAxisLabelRotation(45);

    Graphics2D g = graphics(this);
    try {
      chart.paint(g, spec.width, spec.height);
      this.cells = chart.cells();
      boolean show = spec.showValues != null ? spec.showValues : rows * cols <= 400;
      if (show) paintValues(g, cm, range);
    } finally {
      g.dispose();
    }
  }

  /**
   * Tick labels: the names, else the indices, leaving out as many indices as needed for one label
   * every {@code spacing} pixels of an axis about {@code pixels} long (XChart's category axis
   * writes every label, and they would overlap).
   */
  private static List<String> ticks(String[] names, int n, int pixels, int spacing) {
    int step = (int) Math.ceil((double) n * spacing / Math.max(1, pixels));
    String[] ticks = new String[n];
    for (int i = 0; i < n; i++) {
      String tick = names != null ? names[i] : i % step == 0 ? String.valueOf(i) : "";
      ticks[i] = tick.isEmpty() ? " " : tick; // XChart refuses "" (a blank name leaves a gap)
    }
    return List.of(ticks);
  }

  /**
   * Whether column names written flat would run into each other, with cells about {@code cellWidth}
   * pixels wide (blank names leave room for their neighbours); crowded names are turned 45°.
   */
  private static boolean crowded(String[] names, double cellWidth) {
    int previous = -1;
    double previousWidth = 0;
    for (int c = 0; c < names.length; c++) {
      if (names[c].isBlank()) continue;
      double width = Draw.width(Style.TICKS, names[c]);
      if (previous >= 0 && (c - previous) * cellWidth < (width + previousWidth) / 2 + 6)
        return true;
      previous = c;
      previousWidth = width;
    }
    return false;
  }

  private void paintValues(Graphics2D g, Colormap cm, double[] range) {
    int decimals = valueDecimals();
    double cellW = cells.getWidth() / columns();
    double cellH = cells.getHeight() / rows();
    String widest = "";
    for (double[] row : spec.values)
      for (double v : row)
        if (format(v, decimals).length() > widest.length()) widest = format(v, decimals);
    int start = (int) Math.max(10, Math.min(20, Math.min(cellH * 0.32, cellW * 0.3)));
    Font f = Draw.fit(g, Style.VALUE.deriveFont((float) start), widest, cellW - 4, cellH - 2, 9);
    if (f == null) return; // the numbers do not fit in the cells
    g.setFont(f);
    for (int r = 0; r < rows(); r++) {
      for (int c = 0; c < columns(); c++) {
        double v = spec.values[r][c];
        Color bg = new Color(cm.rgb((v - range[0]) / (range[1] - range[0])));
        g.setColor(Style.luminance(bg) < 0.5 ? Color.WHITE : Style.TEXT);
        double[] centre = cellPoint(r, c, 0.5, 0.5);
        Draw.centered(g, format(v, decimals), centre[0], centre[1]);
      }
    }
  }

  private static String format(double v, int decimals) {
    if (Double.isNaN(v)) return "";
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static boolean hasText(String s) {
    return s != null && !s.isEmpty();
  }

  @Override
  public String toString() {
    return "Heatmap["
        + getWidth()
        + "x"
        + getHeight()
        + ", "
        + rows()
        + "x"
        + columns()
        + (spec.title != null ? ", '" + spec.title + "'" : "")
        + "]";
  }
}
