package dl.classic;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Squared Euclidean distances between the rows of two matrices, through the matrix product: ‖a −
 * b‖² = ‖a‖² − 2·a·b + ‖b‖². The reference points are packed once, transposed in tiles of {@link
 * #TILE} columns, so the inner loop is an axpy over a tile (which the JIT vectorises) and a tile
 * stays in cache while every query row passes over it.
 *
 * <p>NOTE: each (tile, feature) row of the packed matrix is its own {@code float[]}, so the inner
 * loop reads {@code row[j]} rather than {@code tiles[offset + j]}: with an offset, HotSpot's C2
 * (JDK 17) cannot rule out that the accumulator and the source overlap and does not vectorise the
 * loop (measured: about 4x slower).
 */
final class Distances {
  private Distances() {}

  /** Columns per tile: 256 floats × 784 features ≈ 800 KB, about one core's L2 cache. */
  static final int TILE = 256;

  /**
   * Rows [n, d] packed for distance queries: {@code rows[tile·d + p]} holds feature p of the {@code
   * width} points of a tile (Bᵀ in tiles), and the points' squared norms.
   */
  record Packed(float[][] rows, float[] norms, int n, int d, int width) {
    int tiles() {
      return (n + width - 1) / width;
    }
  }

  static Packed pack(float[] b, int n, int d) {
    int w = Math.max(1, Math.min(TILE, n)); // few rows (k-means centroids): one narrow tile
    int tiles = (n + w - 1) / w;
    float[][] rows = new float[tiles * d][w];
    for (int j = 0; j < n; j++) {
      int tile = j / w, jj = j % w;
      for (int p = 0; p < d; p++) rows[tile * d + p][jj] = b[j * d + p];
    }
    return new Packed(rows, squaredNorms(b, n, d), n, d, w);
  }

  static float squaredNorm(float[] a, int row, int d) {
    // NOTE: four partial sums break the chain of dependent additions (about 4x faster than one).
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int p = row * d, end = p + d;
    for (; p + 3 < end; p += 4) {
      s0 += (double) a[p] * a[p];
      s1 += (double) a[p + 1] * a[p + 1];
      s2 += (double) a[p + 2] * a[p + 2];
      s3 += (double) a[p + 3] * a[p + 3];
    }
    for (; p < end; p++) s0 += (double) a[p] * a[p];
    return (float) (s0 + s1 + s2 + s3);
  }

  /** Squared norms of the m rows of a [m, d]. */
  static float[] squaredNorms(float[] a, int m, int d) {
    float[] r = new float[m];
    for (int i = 0; i < m; i++) r[i] = squaredNorm(a, i, d);
    return r;
  }

  /**
   * Distances from rows {@code i0..i1-1} of {@code a} [m, d] to every packed row: out[(i − i0)·n +
   * j]. Never negative (rounding in the identity is clamped at 0).
   */
  static void rows(float[] a, int i0, int i1, Packed b, float[] out) {
    rows(a, null, i0, i1, b, 0, b.tiles(), out);
  }

  /**
   * Like {@link #rows(float[], int, int, Packed, float[])} for the packed rows of tiles {@code
   * t0..t1-1} only, with the query rows' squared norms precomputed (or null).
   */
  static void rows(
      float[] a, float[] aNorms, int i0, int i1, Packed b, int t0, int t1, float[] out) {
    int n = b.n(), d = b.d(), w = b.width();
    float[] acc = new float[w], bn = b.norms();
    float[][] bt = b.rows();
    for (int i = i0; i < i1; i++) {
      float an = aNorms != null ? aNorms[i] : squaredNorm(a, i, d);
      int ai = i * d, oi = (i - i0) * n;
      for (int tile = t0; tile < t1; tile++) {
        Arrays.fill(acc, 0f);
        int base = tile * d;
        for (int p = 0; p < d; p++) {
          float av = a[ai + p];
          // NOTE: skipping zeros makes MNIST queries (about 80 % black pixels) several times
          // faster.
          if (av == 0f) continue;
          float[] row = bt[base + p];
          for (int jj = 0; jj < w; jj++) acc[jj] += av * row[jj];
        }
        int j0 = tile * w, cols = Math.min(w, n - j0);
        for (int jj = 0; jj < cols; jj++) {
          float dist = an - 2 * acc[jj] + bn[j0 + jj];
          out[oi + j0 + jj] = dist > 0 ? dist : 0;
        }
      }
    }
  }

  /**
   * Runs {@code body(from, to)} over blocks of {@code rows}, in parallel when there is enough work.
   */
  static void parallelBlocks(int rows, int block, long workPerRow, BlockBody body) {
    int blocks = (rows + block - 1) / block;
    IntStream range = IntStream.range(0, blocks);
    if ((long) rows * workPerRow >= 1L << 20 && blocks > 1) range = range.parallel();
    range.forEach(k -> body.run(k * block, Math.min(rows, (k + 1) * block)));
  }

  interface BlockBody {
    void run(int from, int to);
  }
}
