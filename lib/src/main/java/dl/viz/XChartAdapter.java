package dl.viz;

import dl.viz.Chart.Kind;
import dl.viz.Chart.Series;
import dl.viz.Chart.Spec;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns a {@link Chart}'s settings into an XChart {@code XYChart}: the course's style, the axis
 * ranges, one XChart series per series (lines, dashed lines, points, the separating line), and the
 * legend in the corner that hides the least data. {@link Chart} paints the result.
 */
final class XChartAdapter {
  private static final int MARKERS_UP_TO = 30;

  private XChartAdapter() {}

  static XYChart build(Spec spec) {
    XYChart chart = new XYChart(spec.width, spec.height);
    XYStyler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(true);
    s.setPlotBorderColor(Style.BORDER);
    s.setPlotGridLinesColor(Style.GRID);
    s.setPlotGridLinesStroke(new BasicStroke(1f));
    s.setAxisTickMarksColor(Style.BORDER);
    s.setChartFontColor(Style.TEXT);
    s.setAxisTickLabelsColor(Style.TEXT);
    s.setChartTitleFont(Style.TITLE);
    s.setChartTitleBoxVisible(false);
    s.setChartTitleVisible(spec.title != null && !spec.title.isEmpty());
    s.setAxisTitleFont(Style.AXIS_TITLE);
    s.setAxisTickLabelsFont(Style.TICKS);
    s.setLegendFont(Style.LEGEND);
    s.setLegendBorderColor(Style.BORDER);
    // NOTE: 80% opaque like matplotlib's legend, so data under it still shows through.
    s.setLegendBackgroundColor(new Color(255, 255, 255, 204));
    s.setLegendPadding(6);
    s.setChartPadding(12);
    s.setToolTipsEnabled(false);
    s.setAntiAlias(true);
    s.setXAxisTitleVisible(spec.xLabel != null);
    s.setYAxisTitleVisible(spec.yLabel != null);
    s.setYAxisLogarithmic(spec.logY);
    if (spec.title != null) chart.setTitle(spec.title);
    if (spec.xLabel != null) chart.setXAxisTitle(spec.xLabel);
    if (spec.yLabel != null) chart.setYAxisTitle(spec.yLabel);
    if (spec.integerX)
      s.setxAxisTickLabelsFormattingFunction(
          v -> Math.abs(v - Math.rint(v)) < 1e-9 ? String.valueOf(Math.round(v)) : "");

    double[] xr = spec.xRange;
    double[] yr = spec.yRange;
    if (spec.region != null) {
      xr = new double[] {spec.region.xMin(), spec.region.xMax()};
      yr = new double[] {spec.region.yMin(), spec.region.yMax()};
      s.setPlotContentSize(1.0);
    }
    if (xr != null) {
      s.setXAxisMin(xr[0]);
      s.setXAxisMax(xr[1]);
    }
    if (yr != null) {
      s.setYAxisMin(yr[0]);
      s.setYAxisMax(yr[1]);
    }

    boolean anyPoints = spec.series.stream().anyMatch(x -> x.kind() == Kind.POINTS);
    s.setMarkerSize(anyPoints ? 8 : 7);
    int next = 0;
    int shown = 0;
    for (Series ser : spec.series) {
      Color color = ser.color() != null ? ser.color() : Style.series(next++);
      if (ser.kind() != Kind.SEPARATOR && Arrays.stream(ser.y()).noneMatch(Double::isFinite))
        continue; // nothing to draw
      XYSeries xs;
      if (ser.kind() == Kind.SEPARATOR) {
        double[][] seg =
            Chart.separatorSegment(
                ser.x(),
                xr != null ? xr : Chart.dataRange(spec, true),
                yr != null ? yr : Chart.dataRange(spec, false));
        if (seg == null) continue;
        xs = chart.addSeries(ser.name(), seg[0], seg[1]);
        xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        xs.setMarker(SeriesMarkers.NONE);
        xs.setLineStyle(
            new BasicStroke(
                2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {9f, 5f}, 0f));
      } else if (ser.kind() == Kind.POINTS) {
        xs = chart.addSeries(ser.name(), ser.x(), ser.y());
        xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        xs.setMarker(SeriesMarkers.CIRCLE);
      } else {
        xs = chart.addSeries(ser.name(), ser.x(), ser.y());
        xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        xs.setMarker(ser.x().length <= MARKERS_UP_TO ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        if (ser.kind() == Kind.DASHED) {
          xs.setLineStyle(
              new BasicStroke(
                  2.2f,
                  BasicStroke.CAP_BUTT,
                  BasicStroke.JOIN_ROUND,
                  10f,
                  new float[] {7f, 4f},
                  0f));
        } else {
          xs.setLineStyle(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        }
      }
      xs.setLineColor(color);
      xs.setMarkerColor(color);
      shown++;
    }
    if (shown > 0) breakEvenSpacing(spec, chart);
    if (shown == 0) {
      // NOTE: XChart cannot lay out axes without data; an invisible point keeps an empty chart
      // drawable.
      double x0 = xr != null ? xr[0] : 0;
      double y0 = yr != null ? yr[0] : (spec.logY ? 1 : 0);
      XYSeries xs = chart.addSeries(" ", new double[] {x0}, new double[] {y0});
      xs.setMarker(SeriesMarkers.NONE);
      xs.setShowInLegend(false);
    }
    s.setLegendVisible(shown >= 2 || (shown == 1 && spec.series.get(0).kind() == Kind.SEPARATOR));
    s.setLegendPosition(legendCorner(spec, xr, yr));
    return chart;
  }

  /**
   * Gives XChart's tick finder round numbers (0, 20, 40, ...) instead of every few data points (1,
   * 5, 9, ... or -1.0367, ...) when a chart has many evenly spaced x values.
   */
  private static void breakEvenSpacing(Spec spec, XYChart chart) {
    // NOTE: XChart puts x ticks on the data when all x values are evenly spaced; one invisible
    // point half-way between the first two epochs stops that. Up to 15 epochs every one is
    // labelled.
    TreeSet<Double> xs = new TreeSet<>();
    double y = Double.NaN;
    for (Series s : spec.series) {
      if (s.kind() == Kind.SEPARATOR) continue;
      for (int i = 0; i < s.x().length; i++) {
        xs.add(s.x()[i]);
        if (Double.isNaN(y) && Double.isFinite(s.y()[i]) && (!spec.logY || s.y()[i] > 0))
          y = s.y()[i];
      }
    }
    if (xs.size() <= 15 || Double.isNaN(y)) return;
    double x = (xs.first() + xs.higher(xs.first())) / 2;
    XYSeries helper = chart.addSeries("\u200b", new double[] {x}, new double[] {y});
    helper.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    helper.setMarker(SeriesMarkers.NONE);
    helper.setShowInLegend(false);
  }

  /**
   * The inside corner whose box holds the fewest data points (lines sampled densely), so the legend
   * covers as little of the data as it can (matplotlib's {@code loc="best"}).
   */
  private static LegendPosition legendCorner(Spec spec, double[] xr, double[] yr) {
    if (xr == null) xr = Chart.dataRange(spec, true);
    if (yr == null) yr = Chart.dataRange(spec, false);
    if (xr == null || yr == null) return LegendPosition.InsideNE;
    // NOTE: the legend's size in plot fractions, estimated from the text (XChart lays it out
    // later).
    int n = spec.series.size();
    int longest = spec.series.stream().mapToInt(x -> x.name().length()).max().orElse(0);
    double plotW = Math.max(100, spec.width - 110);
    double plotH = Math.max(100, spec.height - 90 - (spec.title != null ? 25 : 0));
    double boxW = Math.min(0.9, (longest * 7.5 + 50) / plotW);
    double boxH = Math.min(0.9, (n * 20 + 14) / plotH);
    LegendPosition[] corners = {
      LegendPosition.InsideNE,
      LegendPosition.InsideNW,
      LegendPosition.InsideSE,
      LegendPosition.InsideSW
    };
    long[] count = new long[corners.length];
    boolean logY = spec.logY && yr[0] > 0;
    double ylo = logY ? Math.log(yr[0]) : yr[0];
    double yhi = logY ? Math.log(yr[1]) : yr[1];
    List<Series> all = new ArrayList<>();
    for (Series s : spec.series) {
      if (s.kind() != Kind.SEPARATOR) {
        all.add(s);
      } else {
        double[][] seg = Chart.separatorSegment(s.x(), xr, yr);
        if (seg != null) all.add(new Series(s.name(), seg[0], seg[1], Kind.LINE, null));
      }
    }
    for (Series s : all) {
      int steps = s.kind() == Kind.POINTS ? 1 : (s.x().length < 50 ? 40 : 8);
      for (int i = 0; i < s.x().length; i++) {
        for (int k = 0; k < steps; k++) {
          if (k > 0 && i + 1 >= s.x().length) break;
          double t = (double) k / steps;
          double x = k == 0 ? s.x()[i] : s.x()[i] + (s.x()[i + 1] - s.x()[i]) * t;
          double y = k == 0 ? s.y()[i] : s.y()[i] + (s.y()[i + 1] - s.y()[i]) * t;
          if (!Double.isFinite(x) || !Double.isFinite(y) || (logY && y <= 0)) continue;
          double u = (x - xr[0]) / (xr[1] - xr[0]);
          double v = ((logY ? Math.log(y) : y) - ylo) / (yhi - ylo);
          boolean right = u >= 1 - boxW;
          boolean left = u <= boxW;
          boolean top = v >= 1 - boxH;
          boolean bottom = v <= boxH;
          if (top && right) count[0]++;
          if (top && left) count[1]++;
          if (bottom && right) count[2]++;
          if (bottom && left) count[3]++;
        }
      }
    }
    int best = 0;
    for (int i = 1; i < corners.length; i++) if (count[i] < count[best]) best = i;
    return corners[best];
  }
}
