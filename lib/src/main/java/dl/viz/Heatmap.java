package dl.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A matrix drawn as coloured cells, row 0 at the top: a confusion matrix (counts written in the
 * cells) or any 2-D tensor (with a colour bar). Made by {@link Plots#confusionMatrix} and {@link
 * Plots#heatmap}; every method returns a new heatmap.
 *
 * <pre>{@code
 * jshell> Plots.heatmap(w).title("W1").colormap(Colormap.DIVERGING).values(false)
 * }</pre>
 */
public final class Heatmap extends Figure {
  private static final int PAD = 14;

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
    Boolean square;

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
  private double gridX;
  private double gridY;
  private double cellW;
  private double cellH;

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
    return new double[] {gridX + (column + fx) * cellW, gridY + (row + fy) * cellH};
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

  private double[] range(Colormap cm) {
    if (spec.range != null) return spec.range;
    double[] mm = minMax();
    if (cm == Colormap.DIVERGING) {
      double m = Math.max(Math.abs(mm[0]), Math.abs(mm[1]));
      return m > 0 ? new double[] {-m, m} : new double[] {-1, 1};
    }
    if (mm[0] == mm[1]) return new double[] {mm[0] - 0.5, mm[1] + 0.5};
    return mm;
  }

  private boolean integers() {
    for (double[] row : spec.values)
      for (double v : row) if (Double.isFinite(v) && v != Math.rint(v)) return false;
    return true;
  }

  /**
   * Decimals for the cell values: as set, else one number for the whole matrix (reads better than
   * "%.2g" per cell).
   */
  private int valueDecimals() {
    if (spec.decimals >= 0) return spec.decimals;
    if (integers()) return 0;
    double[] mm = minMax();
    double m = Math.max(Math.abs(mm[0]), Math.abs(mm[1]));
    return m >= 100 ? 0 : m >= 10 ? 1 : 2;
  }

  private static String format(double v, int decimals) {
    if (Double.isNaN(v)) return "";
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private void paint() {
    int rows = rows();
    int cols = columns();
    Colormap cm = colormap();
    double[] range = range(cm);
    String[] rowNames = spec.rowNames != null ? spec.rowNames : Labels.indexNames(rows);
    String[] colNames = spec.columnNames != null ? spec.columnNames : Labels.indexNames(cols);
    boolean square =
        spec.square != null ? spec.square : Math.max(rows, cols) <= 3 * Math.min(rows, cols);
    Graphics2D g = graphics(this);
    try {
      int tickH = Draw.height(g, Style.TICKS);
      int axisH = Draw.height(g, Style.AXIS_TITLE);
      int titleH = Draw.height(g, Style.TITLE);
      int maxRowW = 0;
      for (String s : rowNames) maxRowW = Math.max(maxRowW, Draw.width(g, Style.TICKS, s));
      int maxColW = 0;
      for (String s : colNames) maxColW = Math.max(maxColW, Draw.width(g, Style.TICKS, s));

      String lo = Draw.number(range[0], 3);
      String hi = Draw.number(range[1], 3);
      int barW =
          spec.colorbar
              ? 16
                  + 6
                  + Math.max(Draw.width(g, Style.TICKS, lo), Draw.width(g, Style.TICKS, hi))
                  + 4
              : 0;

      double top = PAD + (hasText(spec.title) ? titleH + 10 : 0);
      double left = PAD + (hasText(spec.yLabel) ? axisH + 8 : 0) + maxRowW + 6;
      double right = spec.width - PAD - (spec.colorbar ? barW + 10 : 0);
      double bottomFixed = spec.height - PAD - (hasText(spec.xLabel) ? axisH + 6 : 0) - 4;

      // NOTE: column names go under the cells; when they are wider than a cell they are turned 45°,
      // which needs more height, which shrinks the cells, so decide with the flat layout first.
      double areaW = Math.max(1, right - left);
      double flatH = bottomFixed - tickH - 4 - top;
      double cw = square ? Math.min(areaW / cols, flatH / rows) : areaW / cols;
      boolean turn = spec.columnNames != null && maxColW > cw - 4;
      double colLabelH = turn ? (maxColW + tickH) * Math.sqrt(0.5) + 4 : tickH + 4;
      double areaH = Math.max(1, bottomFixed - colLabelH - top);
      if (square) {
        double c = Math.min(areaW / cols, areaH / rows);
        cellW = c;
        cellH = c;
      } else {
        cellW = areaW / cols;
        cellH = areaH / rows;
      }
      double gridW = cellW * cols;
      double gridH = cellH * rows;
      gridX = left + (areaW - gridW) / 2;
      gridY = top + (areaH - gridH) / 2;

      // cells
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          double v = spec.values[r][c];
          g.setColor(new Color(cm.rgb((v - range[0]) / (range[1] - range[0]))));
          double x0 = gridX + c * cellW;
          double y0 = gridY + r * cellH;
          g.fill(new Rectangle2D.Double(x0, y0, cellW + 0.5, cellH + 0.5));
        }
      }
      if (cellW >= 12 && cellH >= 12) {
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1.5f));
        for (int r = 1; r < rows; r++)
          g.draw(new Line2D.Double(gridX, gridY + r * cellH, gridX + gridW, gridY + r * cellH));
        for (int c = 1; c < cols; c++)
          g.draw(new Line2D.Double(gridX + c * cellW, gridY, gridX + c * cellW, gridY + gridH));
      }
      g.setColor(Style.BORDER);
      g.setStroke(new BasicStroke(1f));
      g.draw(new Rectangle2D.Double(gridX, gridY, gridW, gridH));

      // values
      boolean show = spec.showValues != null ? spec.showValues : rows * cols <= 400;
      if (show) {
        int decimals = valueDecimals();
        String widest = "";
        for (double[] row : spec.values)
          for (double v : row)
            if (format(v, decimals).length() > widest.length()) widest = format(v, decimals);
        int start = (int) Math.max(10, Math.min(20, Math.min(cellH * 0.32, cellW * 0.3)));
        Font f =
            Draw.fit(g, Style.VALUE.deriveFont((float) start), widest, cellW - 4, cellH - 2, 9);
        if (f != null) {
          g.setFont(f);
          for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
              double v = spec.values[r][c];
              Color bg = new Color(cm.rgb((v - range[0]) / (range[1] - range[0])));
              g.setColor(Style.luminance(bg) < 0.5 ? Color.WHITE : Style.TEXT);
              Draw.centered(
                  g, format(v, decimals), gridX + (c + 0.5) * cellW, gridY + (r + 0.5) * cellH);
            }
          }
        }
      }

      // row and column names, thinned out when the cells are smaller than the text
      g.setFont(Style.TICKS);
      g.setColor(Style.TEXT);
      int rowStep = (int) Math.ceil((tickH + 2) / cellH);
      for (int r = 0; r < rows; r += rowStep)
        Draw.rightAligned(g, rowNames[r], gridX - 6, gridY + (r + 0.5) * cellH);
      int colStep = (int) Math.ceil((turn ? tickH * 1.5 : maxColW + 8) / cellW);
      for (int c = 0; c < cols; c += colStep) {
        double cx = gridX + (c + 0.5) * cellW;
        if (turn) {
          // NOTE: turned labels end at the cell's centre, so they read down-left like matplotlib's.
          int w = Draw.width(g, Style.TICKS, colNames[c]);
          double d = Math.sqrt(0.5);
          Draw.rotated(
              g,
              colNames[c],
              cx - w * d + tickH * d * 0.4,
              gridY + gridH + 6 + w * d + tickH * d * 0.4,
              -Math.PI / 4);
        } else {
          Draw.centered(g, colNames[c], cx, gridY + gridH + 4 + tickH / 2.0);
        }
      }

      // titles
      double bottomOfLabels = gridY + gridH + colLabelH;
      if (hasText(spec.xLabel)) {
        g.setFont(Style.AXIS_TITLE);
        Draw.centered(g, spec.xLabel, gridX + gridW / 2, bottomOfLabels + 4 + axisH / 2.0);
      }
      if (hasText(spec.yLabel)) {
        g.setFont(Style.AXIS_TITLE);
        Draw.vertical(g, spec.yLabel, gridX - 6 - maxRowW - 8 - axisH / 2.0, gridY + gridH / 2);
      }
      if (hasText(spec.title)) {
        g.setFont(Style.TITLE);
        Draw.centered(g, spec.title, gridX + gridW / 2, PAD + titleH / 2.0);
      }

      // colour bar: max at the top
      if (spec.colorbar) {
        double bx = gridX + gridW + 14;
        int bh = (int) Math.round(gridH);
        for (int i = 0; i < bh; i++) {
          g.setColor(new Color(cm.rgb(1 - (i + 0.5) / bh)));
          g.fill(new Rectangle2D.Double(bx, gridY + i, 16, 1.5));
        }
        g.setColor(Style.BORDER);
        g.draw(new Rectangle2D.Double(bx, gridY, 16, gridH));
        g.setColor(Style.TEXT);
        g.setFont(Style.TICKS);
        Draw.leftAligned(g, hi, bx + 22, gridY + tickH / 2.0);
        Draw.leftAligned(g, lo, bx + 22, gridY + gridH - tickH / 2.0);
        if (range[0] < 0 && range[1] > 0 && gridH > 4 * tickH) {
          double zeroY = gridY + gridH * range[1] / (range[1] - range[0]);
          Draw.leftAligned(g, "0", bx + 22, zeroY);
        }
      }
    } finally {
      g.dispose();
    }
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
