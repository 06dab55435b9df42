package dl.classic;

import dl.Check;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * k-means clustering: k-means++ initialisation from a seeded generator, then Lloyd's iterations
 * (assign each point to its nearest centroid, move each centroid to the mean of its points) until
 * no point changes cluster, the centroids move less than the tolerance, or {@code maxIter}. The
 * inertia (sum of squared distances to the assigned centroids) of every iteration is kept.
 *
 * <p>Shape: x [N, ...] (each example flattened to a vector); centroids [k, features]; labels [N].
 *
 * <pre>{@code
 * jshell> var km = new KMeans(3).seed(42).fit(ToyData.blobs(300, 3, 0.5, 1).x());
 * jshell> km.inertiaHistory()          // k-means++ start, then one value per Lloyd iteration
 * $2 ==> [...]
 * }</pre>
 */
public final class KMeans {
  private final int k;
  private long seed = 0;
  private int maxIter = 300;
  private double tol = 1e-4;
  private float[] centroids;
  private int d;
  private int[] labels;
  private final List<Double> history = new ArrayList<>();
  private int iterations;

  /**
   * k-means with {@code k} clusters; set the seed, iterations and tolerance with the chained
   * setters.
   */
  public KMeans(int k) {
    if (k < 1) throw new IllegalArgumentException("KMeans: k must be >= 1, got " + k);
    this.k = k;
  }

  /** Seed of the k-means++ initialisation (default 0). */
  public KMeans seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Most Lloyd iterations (default 300). */
  public KMeans maxIter(int maxIter) {
    if (maxIter < 1)
      throw new IllegalArgumentException("KMeans: maxIter must be >= 1, got " + maxIter);
    this.maxIter = maxIter;
    return this;
  }

  /**
   * Stop when the centroids' total squared movement is below tol × the data's mean feature variance
   * (default 1e-4).
   */
  public KMeans tol(double tol) {
    this.tol = tol;
    return this;
  }

  /** Number of clusters. */
  public int k() {
    return k;
  }

  /** Clusters the rows of x [N, ...]. */
  public KMeans fit(Tensor x) {
    int n = x.dim() == 0 ? 0 : x.size(0);
    if (n < k)
      throw new IllegalArgumentException("KMeans.fit: " + n + " points for k = " + k + " clusters");
    d = x.numel() / n;
    float[] data = x.toFloatArray();
    Rng rng = new Rng(seed);
    centroids = initPlusPlus(data, n, rng);
    labels = new int[n];
    Arrays.fill(labels, -1);
    history.clear();
    double threshold = tol * meanVariance(data, n);
    float[] minDist = new float[n];
    Distances.Packed points = Distances.pack(data, n, d); // once: the points do not move
    assign(points, n, labels, minDist);
    history.add(sum(minDist));
    for (iterations = 0; iterations < maxIter; ) {
      double shift = update(data, n, minDist);
      iterations++;
      int changed = assign(points, n, labels, minDist);
      history.add(sum(minDist));
      if (changed == 0 || shift <= threshold) break;
    }
    return this;
  }

  /**
   * k-means++: the first centroid uniformly at random, each next one with probability ∝ squared
   * distance to the nearest chosen.
   */
  private float[] initPlusPlus(float[] data, int n, Rng rng) {
    float[] c = new float[k * d];
    int first = rng.nextInt(n);
    System.arraycopy(data, first * d, c, 0, d);
    double[] closest = new double[n];
    for (int i = 0; i < n; i++) closest[i] = squared(data, i, c, 0);
    for (int m = 1; m < k; m++) {
      double total = 0;
      for (double v : closest) total += v;
      int pick;
      if (total <= 0) {
        pick = rng.nextInt(n); // all points coincide with chosen centroids
      } else {
        double r = rng.uniform() * total, acc = 0;
        pick = n - 1;
        for (int i = 0; i < n; i++) {
          acc += closest[i];
          if (acc > r) {
            pick = i;
            break;
          }
        }
      }
      System.arraycopy(data, pick * d, c, m * d, d);
      for (int i = 0; i < n; i++) closest[i] = Math.min(closest[i], squared(data, i, c, m));
    }
    return c;
  }

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) s += x;
    return s;
  }

  private double squared(float[] data, int i, float[] c, int m) {
    double s = 0;
    for (int p = 0; p < d; p++) {
      double diff = data[i * d + p] - c[m * d + p];
      s += diff * diff;
    }
    return s;
  }

  /** Nearest centroid for every point; returns how many labels changed. */
  private int assign(float[] data, int n, int[] lab, float[] minDist) {
    return assign(Distances.pack(data, n, d), n, lab, minDist);
  }

  /**
   * Nearest centroid for every packed point. The centroids are the queries and the points the
   * packed side, so the inner loop runs along 256 points at a time (k is too small to vectorise).
   */
  private int assign(Distances.Packed points, int n, int[] lab, float[] minDist) {
    float[] centroidNorms = Distances.squaredNorms(centroids, k, d);
    float[] dist = new float[k * n];
    int tiles = points.tiles();
    int[] changed = new int[tiles];
    Distances.parallelBlocks(
        tiles,
        1,
        (long) k * d * points.width(),
        (t0, t1) -> {
          Distances.rows(centroids, centroidNorms, 0, k, points, t0, t1, dist);
          int ch = 0;
          for (int i = t0 * points.width(); i < Math.min(n, t1 * points.width()); i++) {
            int best = 0;
            float bd = dist[i];
            for (int c = 1; c < k; c++) {
              float v = dist[c * n + i];
              if (v < bd) {
                bd = v;
                best = c;
              }
            }
            if (lab[i] != best) ch++;
            lab[i] = best;
            minDist[i] = bd;
          }
          changed[t0] = ch;
        });
    int total = 0;
    for (int c : changed) total += c;
    return total;
  }

  /**
   * Moves each centroid to the mean of its points; an empty cluster takes the point farthest from
   * its centroid. Returns the total squared shift.
   */
  private double update(float[] data, int n, float[] minDist) {
    double[] sums = new double[k * d];
    int[] counts = new int[k];
    for (int i = 0; i < n; i++) {
      int c = labels[i];
      counts[c]++;
      for (int p = 0, o = c * d, s = i * d; p < d; p++) sums[o + p] += data[s + p];
    }
    double shift = 0;
    for (int c = 0; c < k; c++) {
      if (counts[c] == 0) {
        int far = 0;
        for (int i = 1; i < n; i++) if (minDist[i] > minDist[far]) far = i;
        minDist[far] = 0;
        for (int p = 0; p < d; p++) sums[c * d + p] = data[far * d + p];
        counts[c] = 1;
      }
      for (int p = 0; p < d; p++) {
        float v = (float) (sums[c * d + p] / counts[c]);
        double diff = v - centroids[c * d + p];
        shift += diff * diff;
        centroids[c * d + p] = v;
      }
    }
    return shift;
  }

  private double meanVariance(float[] data, int n) {
    double total = 0;
    for (int p = 0; p < d; p++) {
      double mean = 0, sq = 0;
      for (int i = 0; i < n; i++) mean += data[i * d + p];
      mean /= n;
      for (int i = 0; i < n; i++) {
        double diff = data[i * d + p] - mean;
        sq += diff * diff;
      }
      total += sq / n;
    }
    return total / d;
  }

  private void checkFitted() {
    if (centroids == null) throw new IllegalStateException("KMeans: call fit(x) first");
  }

  /** The cluster centres. Shape: [k, features]. */
  public Tensor centroids() {
    checkFitted();
    return Tensor.fromArray(centroids.clone(), k, d);
  }

  /** The cluster of every training point. Shape: [N]. */
  public Tensor labels() {
    checkFitted();
    float[] f = new float[labels.length];
    for (int i = 0; i < f.length; i++) f[i] = labels[i];
    return Tensor.fromArray(f, f.length);
  }

  /**
   * Sum of squared distances of the training points to their centroids, after the last iteration.
   */
  public double inertia() {
    checkFitted();
    return history.get(history.size() - 1);
  }

  /** The inertia with the initial centroids, then after each iteration (never increases). */
  public List<Double> inertiaHistory() {
    return Collections.unmodifiableList(history);
  }

  /** Number of Lloyd iterations run. */
  public int iterations() {
    return iterations;
  }

  /** The nearest centroid of every row of x. Shape: x [M, ...] → [M]. */
  public Tensor predict(Tensor x) {
    checkFitted();
    int m = x.dim() == 0 ? 0 : x.size(0);
    if (m > 0 && x.numel() / m != d)
      throw Check.badArgument(
          "KMeans.predict", "rows of %s features, fitted on %s", x.numel() / m, d);
    int[] lab = new int[m];
    Arrays.fill(lab, -1);
    assign(x.toFloatArray(), m, lab, new float[m]);
    float[] f = new float[m];
    for (int i = 0; i < m; i++) f[i] = lab[i];
    return Tensor.fromArray(f, m);
  }

  /** {@link #fit} then the training points' clusters. */
  public Tensor fitPredict(Tensor x) {
    return fit(x).labels();
  }

  @Override
  public String toString() {
    return "KMeans(k="
        + k
        + (centroids == null
            ? ", not fitted"
            : ", " + iterations + " iterations, inertia " + String.format("%.4g", inertia()))
        + ")";
  }
}
