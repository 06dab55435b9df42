package dl.classic;

import dl.Check;
import dl.data.TensorDataset;
import dl.tensor.Tensor;
import java.util.Arrays;

/**
 * k-nearest-neighbour classifier: "training" stores the examples; a prediction is the majority
 * class among the k training examples closest in Euclidean distance. Ties are broken
 * deterministically: among equally distant neighbours the lower training index comes first, and
 * among classes with equally many votes the one with the nearest neighbour wins.
 *
 * <p>Shape: x [N, ...] (each example is flattened to a vector), y [N] class indices.
 *
 * <pre>{@code
 * jshell> var mnist = Datasets.mnist().subset(2000, 500);
 * jshell> var knn = new KNearestNeighbors(3).fit(mnist.train());
 * jshell> knn.score(mnist.test().x(), mnist.test().y())
 * $3 ==> 0.87
 * jshell> knn.cosine(true).score(mnist.test().x(), mnist.test().y())
 * $4 ==> 0.912
 * }</pre>
 */
public final class KNearestNeighbors {
  private final int k;
  private boolean cosine;
  private float[] train;
  private int[] labels;
  private int n, d, classes;
  private Distances.Packed packed;

  /** A classifier that votes among the {@code k} nearest training examples. */
  public KNearestNeighbors(int k) {
    if (k < 1) throw new IllegalArgumentException("KNearestNeighbors: k must be >= 1, got " + k);
    this.k = k;
  }

  /** Number of neighbours that vote. */
  public int k() {
    return k;
  }

  /**
   * Compare directions instead of positions: every vector (training and query) is scaled to unit
   * length first, so the distance is 2 − 2·cos(angle). On MNIST this ignores how thick the strokes
   * are and gains a few points of accuracy over plain Euclidean distance (the default).
   */
  public KNearestNeighbors cosine(boolean on) {
    if (on != cosine) packed = null;
    this.cosine = on;
    return this;
  }

  /** Remembers the training examples x [N, ...] and their class indices y [N]. */
  public KNearestNeighbors fit(Tensor x, Tensor y) {
    if (x.dim() < 1 || y.dim() != 1 || x.size(0) != y.size(0)) {
      throw Check.badArgument(
          "KNearestNeighbors.fit",
          "expected x [N, ...] and y [N], got %s and %s",
          x.shape(),
          y.shape());
    }
    if (x.size(0) < k)
      throw Check.badArgument("KNearestNeighbors.fit", "%s examples but k = %s", x.size(0), k);
    n = x.size(0);
    d = n == 0 ? 0 : x.numel() / n;
    train = x.toFloatArray();
    labels = y.toIntArray();
    classes = 0;
    for (int label : labels) {
      if (label < 0)
        throw new IllegalArgumentException("KNearestNeighbors.fit: negative class index " + label);
      classes = Math.max(classes, label + 1);
    }
    packed = null;
    return this;
  }

  /** Remembers a dataset's examples and labels. */
  public KNearestNeighbors fit(TensorDataset data) {
    return fit(data.x(), data.y());
  }

  /** Predicted class index for every row of x. Shape: x [M, ...] → [M]. */
  public Tensor predict(Tensor x) {
    int[] p = predictArray(x);
    float[] f = new float[p.length];
    for (int i = 0; i < p.length; i++) f[i] = p[i];
    return Tensor.fromArray(f, p.length);
  }

  /** Like {@link #predict} as an int array. */
  public int[] predictArray(Tensor x) {
    int[][] nb = neighborIndices(x);
    int[] out = new int[nb.length];
    int[] votes = new int[classes];
    for (int i = 0; i < nb.length; i++) {
      Arrays.fill(votes, 0);
      int max = 0;
      for (int j : nb[i]) max = Math.max(max, ++votes[labels[j]]);
      for (int j : nb[i]) { // nearest first: the first class with the most votes wins a tie
        if (votes[labels[j]] == max) {
          out[i] = labels[j];
          break;
        }
      }
    }
    return out;
  }

  /** Fraction of rows of x whose predicted class is y's. */
  public double score(Tensor x, Tensor y) {
    int[] p = predictArray(x), t = y.toIntArray();
    if (p.length != t.length)
      throw Check.badArgument("score", "%s predictions but %s labels", p.length, t.length);
    int right = 0;
    for (int i = 0; i < p.length; i++) if (p[i] == t[i]) right++;
    return p.length == 0 ? 0 : (double) right / p.length;
  }

  /**
   * The training indices of the k nearest neighbours of each row of x, nearest first. Shape: [M,
   * k].
   */
  public Tensor neighbors(Tensor x) {
    int[][] nb = neighborIndices(x);
    float[] f = new float[nb.length * k];
    for (int i = 0; i < nb.length; i++) for (int j = 0; j < k; j++) f[i * k + j] = nb[i][j];
    return Tensor.fromArray(f, nb.length, k);
  }

  int[][] neighborIndices(Tensor x) {
    if (train == null)
      throw new IllegalStateException("KNearestNeighbors: call fit(x, y) before predicting");
    if (packed == null) packed = Distances.pack(cosine ? unitRows(train, n, d) : train, n, d);
    int m = x.dim() == 0 ? 0 : x.size(0);
    if (m > 0 && x.numel() / m != d) {
      throw Check.badArgument(
          "KNearestNeighbors",
          "queries %s have %s features per row, training had %s",
          x.shape(),
          x.numel() / m,
          d);
    }
    float[] q = cosine ? unitRows(x.toFloatArray(), m, d) : x.toFloatArray();
    Distances.Packed packed = this.packed;
    int[][] result = new int[m][];
    int block = 32;
    Distances.parallelBlocks(
        m,
        block,
        (long) n * d,
        (from, to) -> {
          float[] dist = new float[(to - from) * n];
          Distances.rows(q, from, to, packed, dist);
          for (int i = from; i < to; i++) result[i] = nearest(dist, (i - from) * n);
        });
    return result;
  }

  /** Each row scaled to length 1 (a zero row stays zero); a copy. */
  private static float[] unitRows(float[] v, int rows, int d) {
    float[] r = v.clone();
    for (int i = 0; i < rows; i++) {
      double norm = Math.sqrt(Distances.squaredNorm(v, i, d));
      if (norm > 0) for (int p = i * d; p < (i + 1) * d; p++) r[p] = (float) (v[p] / norm);
    }
    return r;
  }

  /**
   * Indices of the k smallest of dist[off .. off+n), ascending; equal distances keep the lower
   * index first.
   */
  private int[] nearest(float[] dist, int off) {
    float[] bd = new float[k];
    int[] bi = new int[k];
    Arrays.fill(bd, Float.POSITIVE_INFINITY);
    Arrays.fill(bi, Integer.MAX_VALUE);
    for (int j = 0; j < n; j++) {
      float v = dist[off + j];
      if (v >= bd[k - 1]) continue;
      int pos = k - 1;
      while (pos > 0 && bd[pos - 1] > v) {
        bd[pos] = bd[pos - 1];
        bi[pos] = bi[pos - 1];
        pos--;
      }
      bd[pos] = v;
      bi[pos] = j;
    }
    return bi;
  }

  @Override
  public String toString() {
    return "KNearestNeighbors(k="
        + k
        + (cosine ? ", cosine" : "")
        + (train == null
            ? ", not fitted"
            : ", " + n + " examples of " + d + " features, " + classes + " classes")
        + ")";
  }
}
