package dl.train;

import dl.Check;
import java.util.Locale;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Counts of (true class, predicted class) pairs: row = truth, column = prediction. The diagonal is
 * what the model got right; off-diagonal cells show which classes it confuses.
 */
public final class ConfusionMatrix {
  private final int[][] counts;
  private final String[] classNames;

  ConfusionMatrix(int[][] counts, String[] classNames) {
    this.counts = counts;
    this.classNames = classNames;
  }

  /** Builds the matrix from predicted and true class indices. */
  public static ConfusionMatrix of(int[] predicted, int[] truth, int classes) {
    return of(predicted, truth, defaultNames(classes));
  }

  /** Builds the matrix with named classes. */
  public static ConfusionMatrix of(int[] predicted, int[] truth, String[] classNames) {
    if (predicted.length != truth.length) {
      throw Check.badArgument(
          "ConfusionMatrix", "%s predictions but %s labels", predicted.length, truth.length);
    }
    int k = classNames.length;
    int[][] c = new int[k][k];
    for (int i = 0; i < truth.length; i++) {
      if (truth[i] < 0 || truth[i] >= k || predicted[i] < 0 || predicted[i] >= k) {
        throw Check.badArgument(
            "ConfusionMatrix",
            "pair %s (truth %s, predicted %s) is outside [0, %s)",
            i,
            truth[i],
            predicted[i],
            k);
      }
      c[truth[i]][predicted[i]]++;
    }
    return new ConfusionMatrix(c, classNames.clone());
  }

  static String[] defaultNames(int classes) {
    String[] names = new String[classes];
    for (int i = 0; i < classes; i++) names[i] = Integer.toString(i);
    return names;
  }

  /** A copy of the counts, rows = true class. */
  public int[][] counts() {
    int[][] copy = new int[counts.length][];
    for (int i = 0; i < counts.length; i++) copy[i] = counts[i].clone();
    return copy;
  }

  public String[] classNames() {
    return classNames.clone();
  }

  public int classes() {
    return counts.length;
  }

  public int total() {
    int n = 0;
    for (int[] row : counts) for (int c : row) n += c;
    return n;
  }

  /** Fraction of all samples on the diagonal. */
  public double accuracy() {
    int right = 0;
    for (int i = 0; i < counts.length; i++) right += counts[i][i];
    return total() == 0 ? 0 : (double) right / total();
  }

  /**
   * Of the samples predicted as class c, the fraction that really are c (NaN if none predicted).
   */
  public double precision(int c) {
    int predicted = 0;
    for (int[] row : counts) predicted += row[c];
    return predicted == 0 ? Double.NaN : (double) counts[c][c] / predicted;
  }

  /** Of the samples of class c, the fraction predicted as c (NaN if the class is absent). */
  public double recall(int c) {
    int actual = 0;
    for (int x : counts[c]) actual += x;
    return actual == 0 ? Double.NaN : (double) counts[c][c] / actual;
  }

  /** Per-class precision, recall and support as a Tablesaw table. */
  public Table perClass() {
    int k = classes();
    StringColumn name = StringColumn.create("class", classNames);
    DoubleColumn precision = DoubleColumn.create("precision", k);
    DoubleColumn recall = DoubleColumn.create("recall", k);
    IntColumn support = IntColumn.create("support", k);
    for (int c = 0; c < k; c++) {
      precision.set(c, precision(c));
      recall.set(c, recall(c));
      int s = 0;
      for (int x : counts[c]) s += x;
      support.set(c, s);
    }
    return Table.create("per-class metrics", name, precision, recall, support);
  }

  @Override
  public String toString() {
    int width = Math.max(5, String.valueOf(total()).length() + 1);
    for (String n : classNames) width = Math.max(width, n.length() + 1);
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "confusion matrix (rows = truth, columns = predicted), accuracy %.4f%n",
                accuracy()));
    sb.append(" ".repeat(width));
    for (String n : classNames) sb.append(String.format("%" + width + "s", n));
    sb.append('\n');
    for (int i = 0; i < counts.length; i++) {
      sb.append(String.format("%" + width + "s", classNames[i]));
      for (int c : counts[i]) sb.append(String.format("%" + width + "d", c));
      sb.append('\n');
    }
    return sb.toString().stripTrailing();
  }
}
