package dl.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A large float32 product C = A · B in cache-sized blocks (the GotoBLAS scheme), for {@link
 * SimdGemm}'s packed path on AVX-512. B arrives packed by {@link SimdGemm#packB}: column blocks of
 * W = {@link SimdGemm#width()} columns, each a contiguous k × W panel. Then, for one thread's rows:
 *
 * <ul>
 *   <li>A block: up to {@link #MC} rows of A, copied into panels of {@link #ROWS} rows (panel
 *       element (r, p) at p·ROWS + r), stays in the core's L2 cache while every column block
 *       passes;
 *   <li>for each column block: the block's partial sums (MC × W) wait between slices in a small
 *       contiguous tile;
 *   <li>for each slice of {@link #KB} terms of the sum: B's KB × W slice (32 KB) stays in L1 while
 *       every panel of the A block streams past it from L2;
 *   <li>the register kernel ({@link #tile}): 12 rows × 2 vectors of C held in 24 of AVX-512's 32
 *       vector registers; each step of p loads two vectors of B and broadcasts twelve values of A
 *       for 24 fused multiply-adds.
 * </ul>
 *
 * The last slice writes its sums straight into C. NOTE: the blocks are about traffic, not
 * arithmetic. {@link SimdGemm#multiplyPackedNN} runs its eight-row kernel over all of k at once,
 * with B's k × W panel (128 KB for k = 1024) too big for L1 and A's panels too big for L2: 126–129
 * GFLOP/s on a 1024 × 1024 product, against 164–185 for the same kernel on data in L1.
 *
 * <p>Same bits as {@link SimdGemm}: every element of C is still fma over p = 0, 1, …, k−1 in order,
 * starting from zero. A slice continues from the value the previous slice stored (a float stored
 * and reloaded is unchanged), and the first starts from a tile of zeros, as the kernels' registers
 * do.
 */
final class BlockedGemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int W = 2 * L;

  /** Rows of A per register block: 24 accumulators, two vectors of B and one broadcast. */
  private static final int ROWS = 12;

  /** Terms of k per slice: B's slice is KB × W floats, 32 KB with 16 lanes (L1 is 32–48 KB). */
  private static final int KB = 256;

  /** Rows of A per block: 192 × 1024 floats is 768 KB, within a core's L2 (1–2 MB). */
  private static final int MC = 192;

  /** At most this many floats of A per block, so a long k shrinks the block instead of L2's use. */
  private static final int BLOCK_FLOATS = MC * 1024;

  private BlockedGemm() {}

  /**
   * Whether this class computes a packed product with {@code m} rows and {@code k} terms: with 32
   * vector registers (AVX-512, 16 lanes; with 16 registers the 24 accumulators would spill), a
   * block of rows, and at least one term (its slices would not write C at all).
   */
  static boolean applies(int m, int k) {
    return L >= 16 && m >= ROWS && k > 0;
  }

  /**
   * Where each chunk of rows starts when {@code threads} threads share a product of {@code m} rows,
   * and m last. Whole blocks of {@link #MC} rows while plenty is left, then smaller chunks: half of
   * each thread's share of what is left, down to {@link #LAST_UNITS} panels. A thread that starts
   * late or is held up then finds small pieces at the end, instead of the others waiting for its
   * last big one. Chunks start on whole panels of {@link #ROWS} rows, so only the last chunk can
   * have rows left over. One thread takes all the rows as one chunk: {@link #multiply} goes through
   * them block by block itself.
   *
   * <p>NOTE: timing each chunk of a 1024 × 1024 product on two threads showed the worker starting
   * 0.4–0.9 ms after the caller, while it made the next output array ({@link FreshArrays}) in
   * memory the JVM had not used before; with six equal chunks the caller then waited as long at the
   * end. These chunks measured 1.01–1.02× as fast in four runs of 101 pairs. Many small chunks
   * throughout cost instead: four chunks per thread measured 0.91–0.97×, since each chunk packs its
   * own rows and reads all of B again.
   */
  static int[] chunkStarts(int m, int threads) {
    if (threads == 1) return new int[] {0, m};
    int units = (m + ROWS - 1) / ROWS, perBlock = MC / ROWS;
    int[] starts = new int[units + 1];
    int count = 0;
    for (int u = 0; u < units; ) {
      starts[count++] = u * ROWS;
      int left = units - u;
      int size = Math.max(LAST_UNITS, Math.min(perBlock, (left + 2 * threads - 1) / (2 * threads)));
      u += Math.min(size, left);
    }
    starts[count++] = m;
    return Arrays.copyOf(starts, count);
  }

  /** The smallest chunk, in panels of {@link #ROWS} rows. */
  private static final int LAST_UNITS = 2;

  /** Where the first slice's sums start: a tile of zeros, read and never written. */
  private static final float[] ZEROS = new float[ROWS * W];

  /** Each thread's A panels (slot 0) and tile (slot 1). */
  private static final ThreadBuffers SCRATCH = new ThreadBuffers(2);

  /**
   * Rows [i0, i1) of C = A · B (all n columns) from B packed by {@link SimdGemm#packB}. Whole
   * column blocks go through the blocks above; a last, narrower one through {@link
   * SimdGemm#multiplyPackedNN}. Rows past the last whole panel of {@link #ROWS} are padded with
   * zeros and computed in the tile, from which only the real rows are copied (each row of C depends
   * on its own row of A alone, so the padding changes nothing else).
   */
  static void multiply(
      SimdGemm.Matrix am, float[] packed, SimdGemm.Matrix cm, int k, int n, int i0, int i1) {
    int blocks = (n + W - 1) / W, full = n / W;
    int mc = Math.max(ROWS, Math.min(MC, BLOCK_FLOATS / Math.max(1, k) / ROWS * ROWS));
    float[] a = am.data(), c = cm.data();
    int lda = am.ld(), ldc = cm.ld();
    for (int ib = i0; ib < i1 && full > 0; ib += mc) {
      int blockRows = Math.min(mc, i1 - ib);
      int whole = blockRows / ROWS * ROWS, padded = (blockRows + ROWS - 1) / ROWS * ROWS;
      float[] panels = SCRATCH.get(0, padded * k), tile = SCRATCH.get(1, padded * W);
      packRows(a, am.offset() + ib * lda, lda, k, blockRows, panels);
      for (int q = 0; q < full; q++) {
        int cAt = cm.offset() + ib * ldc + q * W;
        for (int p0 = 0; p0 < k; p0 += KB) {
          int len = Math.min(KB, k - p0), panel = q * k * W + p0 * W;
          boolean last = p0 + len == k;
          for (int r = 0; r < padded; r += ROWS) {
            int at = r * k + p0 * ROWS;
            // The first slice starts from zeros; the last one's sums go straight to C, the others'
            // back to the tile.
            float[] from = p0 == 0 ? ZEROS : tile;
            int fromAt = p0 == 0 ? 0 : r * W;
            if (last && r < whole)
              tile(panels, at, packed, panel, from, fromAt, c, cAt + r * ldc, ldc, len);
            else tile(panels, at, packed, panel, from, fromAt, tile, r * W, W, len);
          }
        }
        for (int r = whole; r < blockRows; r++) System.arraycopy(tile, r * W, c, cAt + r * ldc, W);
      }
    }
    if (full < blocks) SimdGemm.multiplyPackedNN(am, packed, cm, k, n, i0, i1, full, blocks);
  }

  /**
   * {@code rows} rows of A from {@code a[from]} into panels: panel t holds rows t·ROWS … t·ROWS +
   * ROWS − 1, element (r, p) at {@code panels[t·ROWS·k + p·ROWS + r]}, so the kernel reads the
   * twelve values of one step side by side. A last panel with fewer rows is padded with zeros.
   */
  private static void packRows(float[] a, int from, int lda, int k, int rows, float[] panels) {
    // NOTE: two rows per pass over p: 0.70× the time of one row per pass, 0.93× of four.
    for (int t = 0; t < rows; t += ROWS)
      for (int r = 0; r < ROWS; r += 2) {
        int start = from + (t + r) * lda, to = t * k + r;
        if (t + r + 1 < rows)
          for (int p = 0; p < k; p++, to += ROWS) {
            panels[to] = a[start + p];
            panels[to + 1] = a[start + lda + p];
          }
        else
          for (int p = 0; p < k; p++, to += ROWS) {
            panels[to] = t + r < rows ? a[start + p] : 0f;
            panels[to + 1] = 0f;
          }
      }
  }

  /**
   * The register kernel: the 12 × W tile at {@code c[cAt]} (rows W apart) plus the next {@code len}
   * terms, A's panel from {@code a[at]}, B's slice from {@code b[bAt]}. Two steps of p per turn of
   * the loop, which halves its bookkeeping; an odd last term goes through {@link #lastTerm}.
   */
  private static void tile(
      float[] a,
      int at,
      float[] b,
      int bAt,
      float[] from,
      int fromAt,
      float[] to,
      int toAt,
      int ldTo,
      int len) {
    int steps = len & ~1;
    FloatVector lo0 = FloatVector.fromArray(S, from, fromAt);
    FloatVector hi0 = FloatVector.fromArray(S, from, fromAt + L);
    FloatVector lo1 = FloatVector.fromArray(S, from, fromAt + 2 * L);
    FloatVector hi1 = FloatVector.fromArray(S, from, fromAt + 3 * L);
    FloatVector lo2 = FloatVector.fromArray(S, from, fromAt + 4 * L);
    FloatVector hi2 = FloatVector.fromArray(S, from, fromAt + 5 * L);
    FloatVector lo3 = FloatVector.fromArray(S, from, fromAt + 6 * L);
    FloatVector hi3 = FloatVector.fromArray(S, from, fromAt + 7 * L);
    FloatVector lo4 = FloatVector.fromArray(S, from, fromAt + 8 * L);
    FloatVector hi4 = FloatVector.fromArray(S, from, fromAt + 9 * L);
    FloatVector lo5 = FloatVector.fromArray(S, from, fromAt + 10 * L);
    FloatVector hi5 = FloatVector.fromArray(S, from, fromAt + 11 * L);
    FloatVector lo6 = FloatVector.fromArray(S, from, fromAt + 12 * L);
    FloatVector hi6 = FloatVector.fromArray(S, from, fromAt + 13 * L);
    FloatVector lo7 = FloatVector.fromArray(S, from, fromAt + 14 * L);
    FloatVector hi7 = FloatVector.fromArray(S, from, fromAt + 15 * L);
    FloatVector lo8 = FloatVector.fromArray(S, from, fromAt + 16 * L);
    FloatVector hi8 = FloatVector.fromArray(S, from, fromAt + 17 * L);
    FloatVector lo9 = FloatVector.fromArray(S, from, fromAt + 18 * L);
    FloatVector hi9 = FloatVector.fromArray(S, from, fromAt + 19 * L);
    FloatVector lo10 = FloatVector.fromArray(S, from, fromAt + 20 * L);
    FloatVector hi10 = FloatVector.fromArray(S, from, fromAt + 21 * L);
    FloatVector lo11 = FloatVector.fromArray(S, from, fromAt + 22 * L);
    FloatVector hi11 = FloatVector.fromArray(S, from, fromAt + 23 * L);
    for (int p = 0; p < steps; p += 2) {
      FloatVector bLo = FloatVector.fromArray(S, b, bAt + p * W);
      FloatVector bHi = FloatVector.fromArray(S, b, bAt + p * W + L);
      FloatVector x = FloatVector.broadcast(S, a[at + p * ROWS]);
      lo0 = x.fma(bLo, lo0);
      hi0 = x.fma(bHi, hi0);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 1]);
      lo1 = x.fma(bLo, lo1);
      hi1 = x.fma(bHi, hi1);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 2]);
      lo2 = x.fma(bLo, lo2);
      hi2 = x.fma(bHi, hi2);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 3]);
      lo3 = x.fma(bLo, lo3);
      hi3 = x.fma(bHi, hi3);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 4]);
      lo4 = x.fma(bLo, lo4);
      hi4 = x.fma(bHi, hi4);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 5]);
      lo5 = x.fma(bLo, lo5);
      hi5 = x.fma(bHi, hi5);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 6]);
      lo6 = x.fma(bLo, lo6);
      hi6 = x.fma(bHi, hi6);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 7]);
      lo7 = x.fma(bLo, lo7);
      hi7 = x.fma(bHi, hi7);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 8]);
      lo8 = x.fma(bLo, lo8);
      hi8 = x.fma(bHi, hi8);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 9]);
      lo9 = x.fma(bLo, lo9);
      hi9 = x.fma(bHi, hi9);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 10]);
      lo10 = x.fma(bLo, lo10);
      hi10 = x.fma(bHi, hi10);
      x = FloatVector.broadcast(S, a[at + p * ROWS + 11]);
      lo11 = x.fma(bLo, lo11);
      hi11 = x.fma(bHi, hi11);
      bLo = FloatVector.fromArray(S, b, bAt + (p + 1) * W);
      bHi = FloatVector.fromArray(S, b, bAt + (p + 1) * W + L);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS]);
      lo0 = x.fma(bLo, lo0);
      hi0 = x.fma(bHi, hi0);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 1]);
      lo1 = x.fma(bLo, lo1);
      hi1 = x.fma(bHi, hi1);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 2]);
      lo2 = x.fma(bLo, lo2);
      hi2 = x.fma(bHi, hi2);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 3]);
      lo3 = x.fma(bLo, lo3);
      hi3 = x.fma(bHi, hi3);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 4]);
      lo4 = x.fma(bLo, lo4);
      hi4 = x.fma(bHi, hi4);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 5]);
      lo5 = x.fma(bLo, lo5);
      hi5 = x.fma(bHi, hi5);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 6]);
      lo6 = x.fma(bLo, lo6);
      hi6 = x.fma(bHi, hi6);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 7]);
      lo7 = x.fma(bLo, lo7);
      hi7 = x.fma(bHi, hi7);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 8]);
      lo8 = x.fma(bLo, lo8);
      hi8 = x.fma(bHi, hi8);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 9]);
      lo9 = x.fma(bLo, lo9);
      hi9 = x.fma(bHi, hi9);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 10]);
      lo10 = x.fma(bLo, lo10);
      hi10 = x.fma(bHi, hi10);
      x = FloatVector.broadcast(S, a[at + (p + 1) * ROWS + 11]);
      lo11 = x.fma(bLo, lo11);
      hi11 = x.fma(bHi, hi11);
    }
    lo0.intoArray(to, toAt);
    hi0.intoArray(to, toAt + L);
    lo1.intoArray(to, toAt + ldTo);
    hi1.intoArray(to, toAt + ldTo + L);
    lo2.intoArray(to, toAt + 2 * ldTo);
    hi2.intoArray(to, toAt + 2 * ldTo + L);
    lo3.intoArray(to, toAt + 3 * ldTo);
    hi3.intoArray(to, toAt + 3 * ldTo + L);
    lo4.intoArray(to, toAt + 4 * ldTo);
    hi4.intoArray(to, toAt + 4 * ldTo + L);
    lo5.intoArray(to, toAt + 5 * ldTo);
    hi5.intoArray(to, toAt + 5 * ldTo + L);
    lo6.intoArray(to, toAt + 6 * ldTo);
    hi6.intoArray(to, toAt + 6 * ldTo + L);
    lo7.intoArray(to, toAt + 7 * ldTo);
    hi7.intoArray(to, toAt + 7 * ldTo + L);
    lo8.intoArray(to, toAt + 8 * ldTo);
    hi8.intoArray(to, toAt + 8 * ldTo + L);
    lo9.intoArray(to, toAt + 9 * ldTo);
    hi9.intoArray(to, toAt + 9 * ldTo + L);
    lo10.intoArray(to, toAt + 10 * ldTo);
    hi10.intoArray(to, toAt + 10 * ldTo + L);
    lo11.intoArray(to, toAt + 11 * ldTo);
    hi11.intoArray(to, toAt + 11 * ldTo + L);
    if (steps < len) lastTerm(a, at + steps * ROWS, b, bAt + steps * W, to, toAt, ldTo);
  }

  /** One term, p, added to the tile in memory: the same fused multiply-add as in the kernel. */
  private static void lastTerm(float[] a, int at, float[] b, int bAt, float[] c, int cAt, int ldc) {
    FloatVector bLo = FloatVector.fromArray(S, b, bAt), bHi = FloatVector.fromArray(S, b, bAt + L);
    for (int r = 0; r < ROWS; r++) {
      FloatVector x = FloatVector.broadcast(S, a[at + r]);
      int row = cAt + r * ldc;
      x.fma(bLo, FloatVector.fromArray(S, c, row)).intoArray(c, row);
      x.fma(bHi, FloatVector.fromArray(S, c, row + L)).intoArray(c, row + L);
    }
  }
}
