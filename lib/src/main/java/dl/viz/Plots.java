package dl.viz;

import dl.Check;
import dl.autograd.NoGrad;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import tech.tablesaw.api.Table;

/**
 * Charts for the lessons: training curves, functions, labelled points, decision boundaries,
 * confusion matrices and heatmaps. Each returns a {@link Figure} (a {@code BufferedImage}), so it
 * shows inline when it is the value of a notebook cell; {@link Chart} settings chain.
 *
 * <pre>{@code
 * jshell> Plots.lossCurves(history)                         // loss | accuracy, train vs validation
 * jshell> Plots.decisionBoundary(model::forward, x, y)      // regions of the predicted classes
 * jshell> Plots.confusionMatrix(counts, "0", "1", "2").save("out/confusion.png")
 * }</pre>
 */
public final class Plots {
  /** Cells per side of the grid a model is evaluated on for {@link #decisionBoundary}. */
  static final int GRID = 300;

  private Plots() {}

  // ================================================================ lines and functions

  /** An empty chart to add series to, e.g. {@code Plots.chart().line("a", y1).line("b", y2)}. */
  public static Chart chart() {
    return new Chart(new Chart.Spec());
  }

  /** One line through {@code (x[i], y[i])}; add more with {@link Chart#line}. */
  public static Chart line(String name, double[] x, double[] y) {
    return new Chart(
        new Chart.Spec().add(new Chart.Series(name, x.clone(), y.clone(), Chart.Kind.LINE, null)));
  }

  /** One line over {@code x = 1..y.length}. */
  public static Chart line(String name, double[] y) {
    return line(name, Chart.oneToN(y.length), y);
  }

  /**
   * An empty chart over {@code [from, to]} to add functions to.
   *
   * <pre>{@code
   * jshell> Plots.functions(-4, 4).function("relu", x -> Math.max(0, x)).function("relu'", x -> x > 0 ? 1 : 0)
   * }</pre>
   */
  public static Chart functions(double from, double to) {
    return new Chart(functionSpec(from, to));
  }

  private static Chart.Spec functionSpec(double from, double to) {
    if (!(from < to) || !Double.isFinite(from) || !Double.isFinite(to)) {
      throw Check.badArgument("functions", "need finite from < to, got [%s, %s]", from, to);
    }
    Chart.Spec s = new Chart.Spec();
    s.xRange = new double[] {from, to};
    s.xLabel = "x";
    return s;
  }

  /**
   * Several named functions over {@code [from, to]}; pass a LinkedHashMap to fix the legend order.
   */
  public static Chart functions(
      double from, double to, Map<String, DoubleUnaryOperator> functions) {
    Chart.Spec s = functionSpec(from, to);
    for (var e : functions.entrySet()) s.add(Chart.sampled(e.getKey(), e.getValue(), from, to));
    return new Chart(s);
  }

  /**
   * One curve per run over {@code x = 1..n}, e.g. the loss for several learning rates; pass a
   * LinkedHashMap to fix the legend order.
   *
   * <pre>{@code
   * jshell> Plots.curves(Map.of("lr=0.1", loss1, "lr=0.01", loss2)).yLabel("loss").logY()
   * }</pre>
   */
  public static Chart curves(Map<String, double[]> curves) {
    Chart.Spec s = epochSpec(null, null);
    for (var e : curves.entrySet())
      s.add(
          new Chart.Series(
              e.getKey(),
              Chart.oneToN(e.getValue().length),
              e.getValue().clone(),
              Chart.Kind.LINE,
              null));
    return new Chart(s);
  }

  /** One column (e.g. "val_loss") of several training histories, one curve per run. */
  public static Chart compare(Map<String, Table> histories, String column) {
    Chart.Spec s = epochSpec(column, column);
    for (var e : histories.entrySet()) {
      Table h = e.getValue();
      double[] y = column(h, column);
      if (y == null)
        throw Check.badArgument(
            "compare",
            "history '%s' has no column '%s' (columns: %s)",
            e.getKey(),
            column,
            h.columnNames());
      s.add(new Chart.Series(e.getKey(), epochs(h), y, Chart.Kind.LINE, null));
    }
    return new Chart(s);
  }

  // ================================================================ training history

  /**
   * Loss and accuracy side by side, training against validation, from a history table with columns
   * "epoch", "loss", "accuracy" and optionally "val_loss", "val_accuracy" (Keras' names; missing
   * columns are left out).
   */
  public static Figure lossCurves(Table history) {
    boolean hasLoss = column(history, "loss") != null || column(history, "val_loss") != null;
    boolean hasAcc =
        accuracyColumn(history, false) != null || accuracyColumn(history, true) != null;
    if (hasLoss && hasAcc)
      return Figure.row(loss(history).size(480, 360), accuracy(history).size(480, 360));
    if (hasLoss) return loss(history);
    if (hasAcc) return accuracy(history);
    throw Check.badArgument(
        "lossCurves",
        "the table has none of the columns loss, val_loss, accuracy, val_accuracy (columns: %s)",
        history.columnNames());
  }

  /** The "loss" and "val_loss" columns of a history over its epochs. */
  public static Chart loss(Table history) {
    return curvePair(history, column(history, "loss"), column(history, "val_loss"), "Loss", "loss");
  }

  /** The "accuracy" and "val_accuracy" columns of a history over its epochs. */
  public static Chart accuracy(Table history) {
    return curvePair(
        history,
        accuracyColumn(history, false),
        accuracyColumn(history, true),
        "Accuracy",
        "accuracy");
  }

  private static Chart curvePair(
      Table history, double[] train, double[] val, String title, String label) {
    double[] x = epochs(history);
    Chart.Spec s = epochSpec(title, label);
    if (train != null) s.add(new Chart.Series("train", x, train, Chart.Kind.LINE, null));
    if (val != null) s.add(new Chart.Series("validation", x, val, Chart.Kind.LINE, null));
    return new Chart(s);
  }

  private static Chart.Spec epochSpec(String title, String yLabel) {
    Chart.Spec s = new Chart.Spec();
    s.title = title;
    s.xLabel = "epoch";
    s.yLabel = yLabel;
    s.integerX = true;
    return s;
  }

  private static double[] accuracyColumn(Table t, boolean validation) {
    double[] a = column(t, validation ? "val_accuracy" : "accuracy");
    return a != null ? a : column(t, validation ? "val_acc" : "acc");
  }

  private static double[] epochs(Table t) {
    double[] e = column(t, "epoch");
    return e != null ? e : Chart.oneToN(t.rowCount());
  }

  private static double[] column(Table t, String name) {
    if (!t.containsColumn(name)) return null;
    var col = t.column(name);
    if (!(col instanceof tech.tablesaw.api.NumericColumn<?> n)) {
      throw new IllegalArgumentException(
          "column '" + name + "' holds " + col.type() + ", not numbers");
    }
    double[] v = n.asDoubleArray();
    // NOTE: a column of NaN (e.g. accuracy of a regression run) is as good as missing.
    for (double x : v) if (!Double.isNaN(x)) return v;
    return null;
  }

  // ================================================================ points and decision boundaries

  /** Unlabelled 2-D points. Shape: points [N, 2]. */
  public static Chart scatter(Tensor points) {
    double[][] xy = xy("scatter", points);
    Chart.Spec s = pointSpec(xy);
    s.add(new Chart.Series("points", xy[0], xy[1], Chart.Kind.POINTS, null));
    return new Chart(s);
  }

  /**
   * 2-D points coloured by class (class 0 red, class 1 green, then blue, orange, ...); labels -1/+1
   * are read as classes 0/1. Shape: points [N, 2], labels [N].
   *
   * <pre>{@code
   * jshell> Plots.scatter(x, y).separatingLine(w1, w2, b)     // a perceptron's line over its data
   * }</pre>
   */
  public static Chart scatter(Tensor points, Tensor labels, String... classNames) {
    double[][] xy = xy("scatter", points);
    Labels lab = Labels.of("scatter", labels, xy[0].length, classNames);
    return new Chart(classPoints(pointSpec(xy), xy, lab));
  }

  /**
   * The regions where {@code model} predicts each class, in light colours, with the labelled points
   * on top in strong ones. The model maps [M, 2] float32 inputs to [M, C] class scores (argmax
   * wins) or [M, 1]/[M] for two classes: values in [0, 1] are read as probabilities of class 1
   * (threshold 0.5), any other values as scores (threshold 0). Shape: points [N, 2], labels [N].
   *
   * <pre>{@code
   * jshell> Plots.decisionBoundary(x -> net.forward(x), points, labels).title("2-16-2 MLP")
   * }</pre>
   */
  public static Chart decisionBoundary(
      Function<Tensor, Tensor> model, Tensor points, Tensor labels, String... classNames) {
    double[][] xy = xy("decisionBoundary", points);
    Labels lab = Labels.of("decisionBoundary", labels, xy[0].length, classNames);
    double[] box = box(xy);
    int n = GRID;
    float[] grid = new float[n * n * 2];
    for (int j = 0; j < n; j++) {
      double y = box[2] + (box[3] - box[2]) * (j + 0.5) / n;
      for (int i = 0; i < n; i++) {
        grid[2 * (j * n + i)] = (float) (box[0] + (box[1] - box[0]) * (i + 0.5) / n);
        grid[2 * (j * n + i) + 1] = (float) y;
      }
    }
    Tensor out;
    try (NoGrad scope = NoGrad.enter()) {
      out = model.apply(Tensor.fromArray(grid, n * n, 2));
    }
    int[] classes = predictedClasses(out, n * n);
    Chart.Spec s = pointSpec(xy);
    s.region = new Chart.Region(box[0], box[1], box[2], box[3], n, classes);
    return new Chart(classPoints(s, xy, lab));
  }

  /**
   * The decision boundary of a perceptron {@code w1·x1 + w2·x2 + b > 0 → class 1}: its two
   * half-planes, the line itself, and the labelled points.
   */
  public static Chart decisionBoundary(
      double w1, double w2, double b, Tensor points, Tensor labels, String... classNames) {
    double[][] xy = xy("decisionBoundary", points);
    Labels lab = Labels.of("decisionBoundary", labels, xy[0].length, classNames);
    double[] box = box(xy);
    int n = GRID;
    int[] classes = new int[n * n];
    for (int j = 0; j < n; j++) {
      double y = box[2] + (box[3] - box[2]) * (j + 0.5) / n;
      for (int i = 0; i < n; i++) {
        double x = box[0] + (box[1] - box[0]) * (i + 0.5) / n;
        classes[j * n + i] = w1 * x + w2 * y + b > 0 ? 1 : 0;
      }
    }
    Chart.Spec s = pointSpec(xy);
    s.region = new Chart.Region(box[0], box[1], box[2], box[3], n, classes);
    return new Chart(classPoints(s, xy, lab).add(Chart.separator(w1, w2, b)));
  }

  /** The class of each of {@code m} model outputs, by the rules of {@link #decisionBoundary}. */
  static int[] predictedClasses(Tensor out, int m) {
    int[] shape = out.shape().toArray();
    float[] v = out.toFloatArray();
    int[] cls = new int[m];
    if (shape.length == 2 && shape[0] == m && shape[1] > 1) {
      int c = shape[1];
      for (int k = 0; k < m; k++) {
        int best = 0;
        for (int j = 1; j < c; j++) if (v[k * c + j] > v[k * c + best]) best = j;
        cls[k] = best;
      }
      return cls;
    }
    if (v.length != m || !(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
      throw Check.badArgument(
          "decisionBoundary",
          "the model returned shape %s for %s inputs; expected [%s, C] class scores, or [%s, 1] / [%s] for two classes",
          out.shape(),
          m,
          m,
          m,
          m);
    }
    boolean probabilities = true;
    for (float f : v) if (f < 0 || f > 1) probabilities = false;
    double threshold = probabilities ? 0.5 : 0.0;
    for (int k = 0; k < m; k++) cls[k] = v[k] > threshold ? 1 : 0;
    return cls;
  }

  private static Chart.Spec classPoints(Chart.Spec c, double[][] xy, Labels lab) {
    for (int k : lab.present()) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < lab.index.length; i++) if (lab.index[i] == k) idx.add(i);
      double[] x = new double[idx.size()];
      double[] y = new double[idx.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = xy[0][idx.get(i)];
        y[i] = xy[1][idx.get(i)];
      }
      c.add(new Chart.Series(lab.name(k), x, y, Chart.Kind.POINTS, Style.classColor(k)));
    }
    return c;
  }

  /** Axes x1, x2 over the points' box, so lines and regions cover exactly what is shown. */
  private static Chart.Spec pointSpec(double[][] xy) {
    double[] b = box(xy);
    Chart.Spec s = new Chart.Spec();
    s.xRange = new double[] {b[0], b[1]};
    s.yRange = new double[] {b[2], b[3]};
    s.xLabel = "x1";
    s.yLabel = "x2";
    return s;
  }

  /** The points' bounding box grown by 10% on each side: {xMin, xMax, yMin, yMax}. */
  static double[] box(double[][] xy) {
    double[] b = new double[4];
    for (int a = 0; a < 2; a++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double v : xy[a]) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      if (lo > hi) {
        lo = -1;
        hi = 1;
      }
      double pad = hi > lo ? 0.1 * (hi - lo) : 0.5;
      b[2 * a] = lo - pad;
      b[2 * a + 1] = hi + pad;
    }
    return b;
  }

  private static double[][] xy(String op, Tensor points) {
    int[] s = points.shape().toArray();
    if (s.length != 2 || s[1] != 2)
      throw Check.badArgument(op, "points must have shape [N, 2], got %s", points.shape());
    double[] d = points.toDoubleArray();
    double[] x = new double[s[0]];
    double[] y = new double[s[0]];
    for (int i = 0; i < s[0]; i++) {
      x[i] = d[2 * i];
      y[i] = d[2 * i + 1];
    }
    return new double[][] {x, y};
  }

  // ================================================================ matrices

  /**
   * A confusion matrix: rows are the true class, columns the predicted one, each cell shows its
   * count and is darker the larger the count.
   *
   * <pre>{@code
   * jshell> Plots.confusionMatrix(new int[][] {{50, 2}, {5, 43}}, "cat", "dog")
   * }</pre>
   */
  public static Heatmap confusionMatrix(int[][] counts, String... classNames) {
    int k = counts.length;
    double[][] v = new double[k][];
    for (int i = 0; i < k; i++) {
      if (counts[i].length != k)
        throw Check.badArgument(
            "confusionMatrix",
            "row %s has %s counts, expected %s (a square matrix)",
            i,
            counts[i].length,
            k);
      v[i] = new double[k];
      for (int j = 0; j < k; j++) v[i][j] = counts[i][j];
    }
    if (classNames.length != 0 && classNames.length != k) {
      throw Check.badArgument(
          "confusionMatrix", "%s class names for %s classes", classNames.length, k);
    }
    String[] names = classNames.length == k ? classNames.clone() : Labels.indexNames(k);
    Heatmap.Spec s = new Heatmap.Spec(v);
    s.rowNames = names;
    s.columnNames = names;
    s.colormap = Colormap.BLUES;
    s.range = new double[] {0, Math.max(1, max(v))};
    s.colorbar = false;
    s.width = 560;
    s.height = 500;
    s.title = "Confusion matrix";
    s.xLabel = "predicted class";
    s.yLabel = "true class";
    return new Heatmap(s);
  }

  /**
   * The confusion matrix of predicted against true class indices. Shape: labels [N], predicted [N].
   */
  public static Heatmap confusionMatrix(Tensor labels, Tensor predicted, String... classNames) {
    int[] t = labels.toIntArray();
    int[] p = predicted.toIntArray();
    if (t.length != p.length)
      throw Check.badArgument(
          "confusionMatrix", "%s labels but %s predictions", t.length, p.length);
    int k = classNames.length;
    for (int i = 0; i < t.length; i++) {
      if (t[i] < 0 || p[i] < 0)
        throw Check.badArgument(
            "confusionMatrix",
            "class indices must be >= 0, found %s at %s",
            Math.min(t[i], p[i]),
            i);
      k = Math.max(k, Math.max(t[i], p[i]) + 1);
    }
    int[][] counts = new int[k][k];
    for (int i = 0; i < t.length; i++) counts[t[i]][p[i]]++;
    return confusionMatrix(counts, classNames.length == k ? classNames : new String[0]);
  }

  /**
   * A 2-D tensor as coloured cells with a colour bar: blue-white-red around zero when it has both
   * signs, else viridis. Shape: matrix [R, C].
   */
  public static Heatmap heatmap(Tensor matrix) {
    int[] s = matrix.shape().toArray();
    if (s.length != 2)
      throw Check.badArgument(
          "heatmap", "expected a 2-D tensor [rows, columns], got shape %s", matrix.shape());
    double[] d = matrix.toDoubleArray();
    double[][] v = new double[s[0]][s[1]];
    for (int i = 0; i < s[0]; i++) System.arraycopy(d, i * s[1], v[i], 0, s[1]);
    return new Heatmap(new Heatmap.Spec(v));
  }

  private static double max(double[][] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double[] row : v) for (double x : row) m = Math.max(m, x);
    return m;
  }
}
