package dl.viz;

import dl.Check;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;
import org.knowm.xchart.XYChart;

/**
 * A 2-D chart of named series: lines, dashed lines, labelled points, a separating line, and
 * optionally class regions painted behind them (a decision boundary). Made by {@link Plots}; every
 * method returns a new chart, so settings chain.
 *
 * <pre>{@code
 * jshell> Plots.functions(-5, 5)
 *    ...>     .function("sigmoid", x -> 1 / (1 + Math.exp(-x)))
 *    ...>     .function("tanh", Math::tanh)
 *    ...>     .title("Activation functions").yRange(-1.2, 1.2)
 * }</pre>
 */
public final class Chart extends Figure {
  private static final int SAMPLES = 400;

  enum Kind {
    LINE,
    DASHED,
    POINTS,
    SEPARATOR
  }

  /** One series; {@code color == null} takes the next palette colour. */
  record Series(String name, double[] x, double[] y, Kind kind, Color color) {}

  /** Predicted classes on a {@code n x n} grid over the box, row 0 at {@code yMin}. */
  record Region(double xMin, double xMax, double yMin, double yMax, int n, int[] classes) {
    int at(double x, double y) {
      int i = (int) Math.floor((x - xMin) / (xMax - xMin) * n);
      int j = (int) Math.floor((y - yMin) / (yMax - yMin) * n);
      return classes[Math.max(0, Math.min(n - 1, j)) * n + Math.max(0, Math.min(n - 1, i))];
    }
  }

  /** Everything a chart is drawn from; copied, never shared, when a setting changes. */
  static final class Spec implements Cloneable {
    int width = WIDTH;
    int height = HEIGHT;
    String title;
    String xLabel;
    String yLabel;
    boolean logY;
    boolean integerX;
    double[] xRange;
    double[] yRange;
    List<Series> series = new ArrayList<>();
    Region region;

    /**
     * Appends a series after checking it, for the factories in {@link Plots} that build a spec in
     * one go.
     */
    Spec add(Series series) {
      if (series.name == null || series.name.isEmpty())
        throw new IllegalArgumentException("a series needs a name (it is shown in the legend)");
      if (series.kind != Kind.SEPARATOR && series.x.length != series.y.length) {
        throw Check.badArgument(
            "series '" + series.name + "'",
            "%d x values but %d y values",
            series.x.length,
            series.y.length);
      }
      for (Series s : this.series) {
        if (s.name.equals(series.name))
          throw new IllegalArgumentException(
              "series '" + series.name + "' is already on this chart");
      }
      this.series.add(series);
      return this;
    }

    Spec copy() {
      try {
        Spec s = (Spec) super.clone();
        s.series = new ArrayList<>(series);
        return s;
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final Spec spec;
  private XYChart painted;

  Chart(Spec spec) {
    super(spec.width, spec.height, (w, h) -> new Chart(resized(spec, w, h)));
    this.spec = spec;
    paint();
  }

  private static Spec resized(Spec spec, int w, int h) {
    Spec s = spec.copy();
    s.width = w;
    s.height = h;
    return s;
  }

  private Chart with(Consumer<Spec> change) {
    Spec s = spec.copy();
    change.accept(s);
    return new Chart(s);
  }

  // ================================================================ settings

  /** The same chart with a title above it. */
  public Chart title(String title) {
    return with(s -> s.title = title);
  }

  /** The same chart with a label under the x axis. */
  public Chart xLabel(String label) {
    return with(s -> s.xLabel = label);
  }

  /** The same chart with a label beside the y axis. */
  public Chart yLabel(String label) {
    return with(s -> s.yLabel = label);
  }

  /** The same chart with a logarithmic y axis (losses that fall by orders of magnitude). */
  public Chart logY() {
    return with(s -> s.logY = true);
  }

  /** The same chart with the x axis fixed to {@code [min, max]}. */
  public Chart xRange(double min, double max) {
    checkRange("xRange", min, max);
    return with(s -> s.xRange = new double[] {min, max});
  }

  /** The same chart with the y axis fixed to {@code [min, max]}. */
  public Chart yRange(double min, double max) {
    checkRange("yRange", min, max);
    return with(s -> s.yRange = new double[] {min, max});
  }

  /** The same chart redrawn at {@code width x height} pixels. */
  @Override
  public Chart size(int width, int height) {
    return new Chart(resized(spec, width, height));
  }

  // ================================================================ series

  /** The chart with one more line through the points {@code (x[i], y[i])}. */
  public Chart line(String name, double[] x, double[] y) {
    return add(new Series(name, x.clone(), y.clone(), Kind.LINE, null));
  }

  /** The chart with one more line over {@code x = 1, 2, ..., y.length} (e.g. a loss per epoch). */
  public Chart line(String name, double[] y) {
    return line(name, oneToN(y.length), y);
  }

  /** The chart with one more dashed line, e.g. the validation curve next to the training one. */
  public Chart dashed(String name, double[] x, double[] y) {
    return add(new Series(name, x.clone(), y.clone(), Kind.DASHED, null));
  }

  /**
   * The chart with {@code y = f(x)} drawn over its x range (set by {@link Plots#functions} or
   * {@link #xRange}).
   */
  public Chart function(String name, DoubleUnaryOperator f) {
    double[] r = spec.xRange != null ? spec.xRange : dataRange(spec, true);
    if (r == null)
      throw new IllegalStateException(
          "function '" + name + "': the chart has no x range yet; call xRange(min, max) first");
    return add(sampled(name, f, r[0], r[1]));
  }

  /**
   * {@code f} sampled densely over {@code [from, to]}, plus x = 0 when it is inside (the kink of
   * relu and friends).
   */
  static Series sampled(String name, DoubleUnaryOperator f, double from, double to) {
    double[] grid = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) grid[i] = from + (to - from) * i / (SAMPLES - 1);
    // NOTE: the extra point also keeps the samples unevenly spaced; XChart puts its x ticks on
    // the data points when they are evenly spaced, and those ticks would read -2.4937...
    double extra = from < 0 && to > 0 ? 0 : (grid[0] + grid[1]) / 2;
    if (Arrays.binarySearch(grid, extra) >= 0) extra = (grid[0] + grid[1]) / 2;
    double[] x = new double[SAMPLES + 1];
    int k = 0;
    boolean added = false;
    for (double g : grid) {
      if (!added && extra < g) {
        x[k++] = extra;
        added = true;
      }
      x[k++] = g;
    }
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) y[i] = f.applyAsDouble(x[i]);
    return new Series(name, x, y, Kind.LINE, null);
  }

  /** The chart with one more set of unconnected points, in the next palette colour. */
  public Chart points(String name, double[] x, double[] y) {
    return add(new Series(name, x.clone(), y.clone(), Kind.POINTS, null));
  }

  /**
   * The chart with the straight line {@code w1·x + w2·y + b = 0} across it: a perceptron's decision
   * boundary. Points where {@code w1·x + w2·y + b > 0} are on the side it calls class 1.
   */
  public Chart separatingLine(double w1, double w2, double b) {
    return add(separator(w1, w2, b));
  }

  static Series separator(double w1, double w2, double b) {
    if (w1 == 0 && w2 == 0)
      throw new IllegalArgumentException(
          "separatingLine: w1 and w2 are both 0, so there is no line");
    String name =
        "boundary "
            + num(w1)
            + "·x1 "
            + (w2 < 0 ? "- " : "+ ")
            + num(Math.abs(w2))
            + "·x2 "
            + (b < 0 ? "- " : "+ ")
            + num(Math.abs(b))
            + " = 0";
    return new Series(name, new double[] {w1, w2, b}, new double[0], Kind.SEPARATOR, Color.BLACK);
  }

  /** Names of the series in drawing order (for tests and for readers of a saved chart). */
  public List<String> seriesNames() {
    return spec.series.stream().map(Series::name).toList();
  }

  private Chart add(Series series) {
    Spec s = spec.copy();
    s.add(series);
    return new Chart(s);
  }

  // ================================================================ drawing
  // XChartAdapter turns the spec into an XChart chart; it is painted here, over the class regions.

  /** Pixel position of a data point, valid after painting (tests check region colours with it). */
  double[] pixelOf(double x, double y) {
    return new double[] {painted.getScreenXFromChart(x), painted.getScreenYFromChart(y)};
  }

  private void paint() {
    XYChart chart = XChartAdapter.build(spec);
    Graphics2D g = graphics(this);
    try {
      if (spec.region != null) {
        // NOTE: XChart has no image layer under the series. Paint once to learn where the plot
        // area lands, paint the regions there, then paint the chart again with see-through
        // backgrounds so the regions show under the grid, the axes and the points.
        BufferedImage scratch =
            new BufferedImage(spec.width, spec.height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D sg = graphics(scratch);
        chart.paint(sg, spec.width, spec.height);
        sg.dispose();
        paintRegion(chart);
        Color clear = new Color(0, 0, 0, 0);
        chart.getStyler().setChartBackgroundColor(clear);
        chart.getStyler().setPlotBackgroundColor(clear);
        chart.getStyler().setPlotGridLinesColor(new Color(255, 255, 255, 110));
      }
      chart.paint(g, spec.width, spec.height);
    } finally {
      g.dispose();
    }
    painted = chart;
  }

  private void paintRegion(XYChart chart) {
    Region r = spec.region;
    double sx0 = chart.getScreenXFromChart(r.xMin);
    double sx1 = chart.getScreenXFromChart(r.xMax);
    double sy0 = chart.getScreenYFromChart(r.yMin); // bottom edge: screen y grows downwards
    double sy1 = chart.getScreenYFromChart(r.yMax);
    int px0 = (int) Math.ceil(Math.min(sx0, sx1));
    int px1 = (int) Math.floor(Math.max(sx0, sx1));
    int py0 = (int) Math.ceil(Math.min(sy0, sy1));
    int py1 = (int) Math.floor(Math.max(sy0, sy1));
    px0 = Math.max(0, px0);
    py0 = Math.max(0, py0);
    px1 = Math.min(spec.width - 1, px1);
    py1 = Math.min(spec.height - 1, py1);
    int w = px1 - px0 + 1;
    int h = py1 - py0 + 1;
    if (w <= 0 || h <= 0) return;
    int[] cls = new int[w * h];
    for (int j = 0; j < h; j++) {
      double y = r.yMin + (py0 + j + 0.5 - sy0) / (sy1 - sy0) * (r.yMax - r.yMin);
      for (int i = 0; i < w; i++) {
        double x = r.xMin + (px0 + i + 0.5 - sx0) / (sx1 - sx0) * (r.xMax - r.xMin);
        cls[j * w + i] = r.at(x, y);
      }
    }
    int edge = new Color(0x8c, 0x8c, 0x8c).getRGB();
    int[] light = new int[Style.CLASSES.length];
    for (int c = 0; c < light.length; c++) light[c] = Style.classRegion(c).getRGB();
    int[] rgb = new int[w * h];
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < w; i++) {
        int c = cls[j * w + i];
        boolean border = (i > 0 && cls[j * w + i - 1] != c) || (j > 0 && cls[(j - 1) * w + i] != c);
        rgb[j * w + i] = border ? edge : light[Math.floorMod(c, light.length)];
      }
    }
    setRGB(px0, py0, w, h, rgb, 0, w);
  }

  /** The two ends of {@code w1·x + w2·y + b = 0} inside the box, or null when it misses the box. */
  static double[][] separatorSegment(double[] wb, double[] xr, double[] yr) {
    if (xr == null) xr = new double[] {-1, 1};
    if (yr == null) yr = new double[] {-1, 1};
    double w1 = wb[0];
    double w2 = wb[1];
    double b = wb[2];
    List<double[]> hits = new ArrayList<>();
    double eps = 1e-12 * (1 + Math.abs(xr[1] - xr[0]) + Math.abs(yr[1] - yr[0]));
    if (w2 != 0) {
      for (double x : xr) {
        double y = -(w1 * x + b) / w2;
        if (y >= yr[0] - eps && y <= yr[1] + eps) hits.add(new double[] {x, y});
      }
    }
    if (w1 != 0) {
      for (double y : yr) {
        double x = -(w2 * y + b) / w1;
        if (x >= xr[0] - eps && x <= xr[1] + eps) hits.add(new double[] {x, y});
      }
    }
    if (hits.size() < 2) return null;
    hits.sort((p, q) -> p[0] != q[0] ? Double.compare(p[0], q[0]) : Double.compare(p[1], q[1]));
    double[] a = hits.get(0);
    double[] c = hits.get(hits.size() - 1);
    return new double[][] {{a[0], c[0]}, {a[1], c[1]}};
  }

  /** Smallest and largest finite x (or y) over the data series, or null when there are none. */
  static double[] dataRange(Spec spec, boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : spec.series) {
      if (s.kind == Kind.SEPARATOR) continue;
      for (double v : x ? s.x : s.y) {
        if (Double.isFinite(v) && (x || !spec.logY || v > 0)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) return null;
    if (lo == hi) return new double[] {lo - 0.5, hi + 0.5};
    return new double[] {lo, hi};
  }

  private static void checkRange(String what, double min, double max) {
    if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) {
      throw Check.badArgument(what, "need finite min < max, got [%s, %s]", min, max);
    }
  }

  private static String num(double v) {
    if (!Double.isFinite(v)) return String.valueOf(v);
    return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  static double[] oneToN(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = i + 1;
    return x;
  }

  @Override
  public String toString() {
    return "Chart["
        + getWidth()
        + "x"
        + getHeight()
        + (spec.title != null ? ", '" + spec.title + "'" : "")
        + ", series="
        + Arrays.toString(seriesNames().toArray())
        + "]";
  }
}
