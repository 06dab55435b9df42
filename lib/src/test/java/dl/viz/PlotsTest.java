package dl.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class PlotsTest {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  static Table history(int epochs, boolean validation, boolean accuracy) {
    int[] e = new int[epochs];
    double[] loss = new double[epochs];
    double[] acc = new double[epochs];
    for (int i = 0; i < epochs; i++) {
      e[i] = i + 1;
      loss[i] = 2.3 * Math.exp(-0.3 * i) + 0.05;
      acc[i] = 1 - 0.9 * Math.exp(-0.3 * i);
    }
    Table t =
        Table.create("history", IntColumn.create("epoch", e), DoubleColumn.create("loss", loss));
    if (accuracy) t.addColumns(DoubleColumn.create("accuracy", acc));
    if (validation) {
      double[] vl = new double[epochs];
      double[] va = new double[epochs];
      for (int i = 0; i < epochs; i++) {
        vl[i] = 1.2 * loss[i];
        va[i] = 0.95 * acc[i];
      }
      t.addColumns(DoubleColumn.create("val_loss", vl));
      if (accuracy) t.addColumns(DoubleColumn.create("val_accuracy", va));
    }
    return t;
  }

  // ================================================================ curves

  @Test
  void lossCurvesPutLossAndAccuracySideBySide() {
    Figure f = Plots.lossCurves(history(10, true, true));
    assertEquals(960, f.getWidth());
    assertEquals(360, f.getHeight());
    // train is the first palette colour, validation the second, in both panels
    int blueLeft = Pixels.count(f.getSubimage(0, 0, 480, 360), Style.series(0), 10);
    int orangeRight = Pixels.count(f.getSubimage(480, 0, 480, 360), Style.series(1), 10);
    assertTrue(
        blueLeft > 300 && orangeRight > 300, "curves drawn: " + blueLeft + ", " + orangeRight);
  }

  @Test
  void lossCurvesLeaveOutMissingColumns() {
    Figure onlyLoss = Plots.lossCurves(history(5, false, false));
    Chart c = assertInstanceOf(Chart.class, onlyLoss);
    assertEquals(List.of("train"), c.seriesNames());
    assertEquals(Figure.WIDTH, c.getWidth());
    assertEquals(Figure.HEIGHT, c.getHeight());
    assertEquals(List.of("train", "validation"), Plots.loss(history(5, true, false)).seriesNames());
    assertEquals(
        List.of("train", "validation"), Plots.accuracy(history(5, true, true)).seriesNames());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Plots.lossCurves(Table.create("t", IntColumn.create("epoch", 1, 2))));
    assertTrue(e.getMessage().contains("loss"), e.getMessage());
  }

  @Test
  void chartSettingsReturnANewChartAndKeepTheOld() {
    Chart a = Plots.line("loss", new double[] {3, 2, 1.5, 1.2});
    Chart b = a.title("Training").size(300, 200).logY();
    assertNotSame(a, b);
    assertEquals(600, a.getWidth());
    assertEquals(300, b.getWidth());
    assertEquals(200, b.getHeight());
    assertEquals(List.of("loss"), b.seriesNames());
    var e = assertThrows(IllegalArgumentException.class, () -> a.line("loss", new double[] {1}));
    assertTrue(e.getMessage().contains("already"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> a.line("x", new double[] {1, 2}, new double[] {1}));
  }

  @Test
  void functionsKeepTheMapOrderAndSampleTheKinkAtZero() {
    Map<String, DoubleUnaryOperator> f = new LinkedHashMap<>();
    f.put("relu", x -> Math.max(0, x));
    f.put("relu'", x -> x > 0 ? 1 : 0);
    f.put("sigmoid", x -> 1 / (1 + Math.exp(-x)));
    Chart c = Plots.functions(-4, 4, f).title("Activations");
    assertEquals(List.of("relu", "relu'", "sigmoid"), c.seriesNames());
    assertTrue(
        Pixels.count(c, Style.series(2), 10) > 200, "third function drawn in the third colour");
    Chart.Series s = Chart.sampled("relu", x -> Math.max(0, x), -4, 4);
    assertEquals(-4, s.x()[0]);
    assertEquals(4, s.x()[s.x().length - 1]);
    assertTrue(java.util.Arrays.stream(s.x()).anyMatch(x -> x == 0), "x = 0 is sampled");
    assertEquals(
        Plots.functions(-1, 1).function("square", x -> x * x).seriesNames(), List.of("square"));
    assertThrows(IllegalStateException.class, () -> Plots.chart().function("f", x -> x));
  }

  @Test
  void curvesCompareRunsAndHistories() {
    Map<String, double[]> runs = new LinkedHashMap<>();
    runs.put("lr=0.1", new double[] {2, 1, 0.5});
    runs.put("lr=0.01", new double[] {2, 1.8, 1.6});
    assertEquals(List.of("lr=0.1", "lr=0.01"), Plots.curves(runs).seriesNames());
    Map<String, Table> h = new LinkedHashMap<>();
    h.put("small", history(4, true, true));
    h.put("big", history(6, true, true));
    assertEquals(List.of("small", "big"), Plots.compare(h, "val_loss").seriesNames());
    assertThrows(IllegalArgumentException.class, () -> Plots.compare(h, "val_f1"));
  }

  // ================================================================ points and boundaries

  static final Tensor POINTS =
      Tensor.of(new double[][] {{-2, -2}, {-2, 2}, {2, -2}, {2, 2}, {-1.5, 0}, {1.5, 0}});
  static final Tensor LEFT_RIGHT = Tensor.of(0, 0, 1, 1, 0, 1);

  /** Scores [M, 2] that prefer class 1 right of x = 0. */
  static final Function<Tensor, Tensor> RIGHT_IS_ONE =
      x -> {
        float[] d = x.toFloatArray();
        int m = d.length / 2;
        float[] s = new float[2 * m];
        for (int i = 0; i < m; i++) {
          s[2 * i] = -d[2 * i];
          s[2 * i + 1] = d[2 * i];
        }
        return Tensor.fromArray(s, m, 2);
      };

  @Test
  void decisionBoundaryPaintsEachSideInItsClassColour() {
    Chart c = Plots.decisionBoundary(RIGHT_IS_ONE, POINTS, LEFT_RIGHT);
    assertEquals(600, c.getWidth());
    double[] left = c.pixelOf(-0.8, 0.6);
    double[] right = c.pixelOf(0.8, 0.6);
    Pixels.assertNear(Style.classRegion(0), Pixels.mode(c, left[0], left[1], 3), 6, "left region");
    Pixels.assertNear(
        Style.classRegion(1), Pixels.mode(c, right[0], right[1], 3), 6, "right region");
    // the points are drawn on top in the strong colours
    double[] p = c.pixelOf(1.5, 0);
    Pixels.assertNear(Style.classColor(1), Pixels.at(c, p[0], p[1]), 25, "class-1 point");
    assertEquals(List.of("class 0", "class 1"), c.seriesNames());
  }

  @Test
  void decisionBoundaryIsNotUpsideDown() {
    Function<Tensor, Tensor> aboveIsOne = x -> x.narrow(1, 1, 1).gt(0); // [M, 1] probabilities 0/1
    Chart c = Plots.decisionBoundary(aboveIsOne, POINTS, Tensor.of(0, 1, 0, 1, 0, 0));
    double[] up = c.pixelOf(0.5, 1);
    double[] down = c.pixelOf(0.5, -1);
    assertTrue(up[1] < down[1], "larger x2 is higher on the screen");
    Pixels.assertNear(Style.classRegion(1), Pixels.mode(c, up[0], up[1], 3), 6, "above the line");
    Pixels.assertNear(
        Style.classRegion(0), Pixels.mode(c, down[0], down[1], 3), 6, "below the line");
  }

  @Test
  void binaryOutputsAreReadAsProbabilitiesOrScores() {
    Tensor probs = Tensor.of(0.2, 0.7, 0.5);
    assertArrayEquals(new int[] {0, 1, 0}, Plots.predictedClasses(probs, 3));
    Tensor scores = Tensor.of(-0.3, 0.2, 1.7);
    assertArrayEquals(new int[] {0, 1, 1}, Plots.predictedClasses(scores, 3));
    Tensor column = Tensor.fromArray(new float[] {0.9f, 0.1f}, 2, 1);
    assertArrayEquals(new int[] {1, 0}, Plots.predictedClasses(column, 2));
    Tensor three = Tensor.of(new double[][] {{0, 1, 2}, {5, 1, 0}});
    assertArrayEquals(new int[] {2, 0}, Plots.predictedClasses(three, 2));
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Plots.predictedClasses(Tensor.zeros(4, 2), 3));
    assertTrue(e.getMessage().contains("[3, C]"), e.getMessage());
  }

  @Test
  void perceptronBoundaryShowsBothHalfPlanesAndTheLine() {
    // x1 - x2 > 0 → class 1 (below the diagonal)
    Chart c =
        Plots.decisionBoundary(1, -1, 0, POINTS, Tensor.of(-1, 1, -1, -1, 1, -1))
            .title("Perceptron");
    double[] below = c.pixelOf(1.2, -0.6);
    double[] above = c.pixelOf(-1.2, 0.6);
    Pixels.assertNear(
        Style.classRegion(1), Pixels.mode(c, below[0], below[1], 3), 6, "positive side");
    Pixels.assertNear(
        Style.classRegion(0), Pixels.mode(c, above[0], above[1], 3), 6, "negative side");
    assertEquals(List.of("class -1", "class +1", "boundary 1·x1 - 1·x2 + 0 = 0"), c.seriesNames());
    double[] onLine = c.pixelOf(0.3, 0.3);
    assertTrue(
        Pixels.luminance(Pixels.at(c, onLine[0], onLine[1])) < 0.45
            || Pixels.luminance(Pixels.at(c, onLine[0] + 1, onLine[1])) < 0.45
            || Pixels.luminance(Pixels.at(c, onLine[0], onLine[1] + 1)) < 0.45,
        "a dark line through (0.3, 0.3)");
  }

  @Test
  void separatingLineIsClippedToTheBox() {
    double[][] seg =
        Chart.separatorSegment(new double[] {1, 1, 0}, new double[] {-1, 1}, new double[] {-1, 1});
    assertArrayEquals(new double[] {-1, 1}, seg[0], 1e-12);
    assertArrayEquals(new double[] {1, -1}, seg[1], 1e-12);
    double[][] vertical =
        Chart.separatorSegment(new double[] {2, 0, -1}, new double[] {-1, 1}, new double[] {-3, 3});
    assertArrayEquals(new double[] {0.5, 0.5}, vertical[0], 1e-12);
    assertNull(
        Chart.separatorSegment(new double[] {1, 0, -5}, new double[] {-1, 1}, new double[] {-1, 1}),
        "x = 5 misses the box");
    assertThrows(
        IllegalArgumentException.class, () -> Plots.scatter(POINTS).separatingLine(0, 0, 1));
  }

  @Test
  void scatterColoursPointsByClassAndNamesThem() {
    Chart c = Plots.scatter(POINTS, LEFT_RIGHT, "red", "green");
    assertEquals(List.of("red", "green"), c.seriesNames());
    double[] p = c.pixelOf(-2, -2);
    Pixels.assertNear(Style.classColor(0), Pixels.at(c, p[0], p[1]), 25, "class-0 point");
    var e =
        assertThrows(IllegalArgumentException.class, () -> Plots.scatter(POINTS, Tensor.of(0, 1)));
    assertTrue(e.getMessage().contains("[6]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Plots.scatter(Tensor.zeros(4, 3)));
    assertThrows(
        IllegalArgumentException.class, () -> Plots.scatter(POINTS, Tensor.of(0, 0.5, 1, 1, 0, 1)));
  }

  // ================================================================ matrices

  @Test
  void confusionMatrixHasRowsTrueColumnsPredictedAndDarkerCellsForLargerCounts() {
    int[][] counts = {{50, 30}, {2, 40}};
    Heatmap h = Plots.confusionMatrix(counts, "cat", "dog");
    assertEquals(560, h.getWidth());
    assertEquals(500, h.getHeight());
    double[] topRight = h.cellPoint(0, 1, 0.1, 0.1); // true cat, predicted dog: 30
    double[] bottomLeft = h.cellPoint(1, 0, 0.1, 0.1); // true dog, predicted cat: 2
    double[] topLeft = h.cellPoint(0, 0, 0.1, 0.1); // 50
    assertTrue(
        topRight[0] > bottomLeft[0] && topRight[1] < bottomLeft[1],
        "row 0 on top, column 1 on the right");
    double l50 = Pixels.luminance(Pixels.at(h, topLeft[0], topLeft[1]));
    double l30 = Pixels.luminance(Pixels.at(h, topRight[0], topRight[1]));
    double l2 = Pixels.luminance(Pixels.at(h, bottomLeft[0], bottomLeft[1]));
    assertTrue(
        l50 < l30 && l30 < l2, "darker for larger counts: " + l50 + " < " + l30 + " < " + l2);
    // the count is written in the middle of the cell, in white on dark cells
    double[] mid = h.cellPoint(0, 0, 0.5, 0.5);
    assertTrue(
        Pixels.count(h.getSubimage((int) mid[0] - 20, (int) mid[1] - 12, 40, 24), Color.WHITE, 40)
            > 10,
        "white digits on the dark cell");
  }

  @Test
  void confusionMatrixFromTensorsCountsPairs() {
    Tensor truth = Tensor.of(0, 0, 1, 1, 1, 2);
    Tensor pred = Tensor.of(0, 1, 1, 1, 2, 2);
    int[][] counts = {{1, 1, 0}, {0, 2, 1}, {0, 0, 1}};
    Heatmap a = Plots.confusionMatrix(truth, pred);
    Heatmap b = Plots.confusionMatrix(counts);
    assertArrayEquals(b.png(), a.png(), "same picture as the counts by hand");
    assertThrows(
        IllegalArgumentException.class, () -> Plots.confusionMatrix(new int[][] {{1, 2}, {3}}));
    assertThrows(IllegalArgumentException.class, () -> Plots.confusionMatrix(counts, "a", "b"));
  }

  @Test
  void heatmapCentresZeroInTheDivergingMap() {
    Heatmap h = Plots.heatmap(Tensor.of(new double[][] {{-2, 0}, {1, 2}})).title("W");
    Color neg = Pixels.at(h, h.cellPoint(0, 0, 0.1, 0.1)[0], h.cellPoint(0, 0, 0.1, 0.1)[1]);
    Color zero = Pixels.at(h, h.cellPoint(0, 1, 0.1, 0.1)[0], h.cellPoint(0, 1, 0.1, 0.1)[1]);
    Color pos = Pixels.at(h, h.cellPoint(1, 1, 0.1, 0.1)[0], h.cellPoint(1, 1, 0.1, 0.1)[1]);
    assertTrue(neg.getBlue() > neg.getRed() + 50, "negative is blue: " + neg);
    assertTrue(pos.getRed() > pos.getBlue() + 50, "positive is red: " + pos);
    Pixels.assertNear(Colormap.DIVERGING.color(0.5), zero, 8, "zero is white");
    assertEquals(320, h.size(320, 240).getWidth());
    assertThrows(IllegalArgumentException.class, () -> Plots.heatmap(Tensor.zeros(2, 2, 2)));
    assertThrows(IllegalArgumentException.class, () -> h.rowNames("only one"));
  }

  @Test
  void heatmapShowsMissingValuesInGreyAndLabelsLargeMatrices() {
    // blank names leave a gap (notebook 04 names only the whole numbers of its grid)
    Heatmap h =
        Plots.heatmap(Tensor.of(new double[][] {{1, Double.NaN}, {2, 3}})).columnNames("a", "");
    double[] missing = h.cellPoint(0, 1, 0.5, 0.5);
    Pixels.assertNear(
        Colormap.VIRIDIS.color(Double.NaN), Pixels.at(h, missing[0], missing[1]), 4, "NaN cell");
    // 60 rows and 50 columns: index labels are thinned out (XChart would write all of them)
    Heatmap big = Plots.heatmap(Tensor.randn(60, 50));
    assertEquals(600, big.getWidth());
    double[] last = big.cellPoint(59, 49, 0.5, 0.5);
    assertTrue(last[0] < 600 && last[1] < 400, "the last cell is inside the figure");
  }

  @Test
  void colormapsRunFromTheirFirstToTheirLastColour() {
    assertEquals(Color.BLACK, Colormap.GRAY.color(0));
    assertEquals(Color.WHITE, Colormap.GRAY.color(1));
    assertEquals(Colormap.GRAY.color(1), Colormap.GRAY.color(7), "clamped");
    assertEquals(new Color(0xf7f7f7), Colormap.DIVERGING.color(0.5));
    assertTrue(
        Pixels.luminance(Colormap.BLUES.color(1)) < Pixels.luminance(Colormap.BLUES.color(0)));
  }
}
