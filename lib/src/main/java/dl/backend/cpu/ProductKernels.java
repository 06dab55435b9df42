package dl.backend.cpu;

import dl.backend.View;
import java.util.Arrays;

/**
 * Matrix products, batched over leading axes: float32 through the Vector API kernels ({@link
 * SimdGemm}) when the module is present, else blocked plain loops that HotSpot vectorises; float64
 * with plain loops. Output tiles are split over the threads; every element sums over k in order.
 */
final class ProductKernels {
  private final Parallel par;
  private final boolean simd;

  ProductKernels(Parallel par, boolean simd) {
    this.par = par;
    this.simd = simd;
  }

  public void matmul(View av, View bv, View out) {
    HostBuffer a = HostBuffer.of(av), b = HostBuffer.of(bv), o = HostBuffer.of(out);
    int r = out.rank();
    int m = out.shape()[r - 2], n = out.shape()[r - 1], k = av.shape()[r - 1];
    int[] batchShape = Arrays.copyOf(out.shape(), r - 2);
    int batches = 1;
    for (int s : batchShape) batches *= s;
    int[][] batchOffsets = new int[batches][];
    int[] next = {0};
    // Enumerate batch offsets by walking the batch axes with a trailing unit axis appended.
    int[] walkShape = Arrays.copyOf(batchShape, r - 1);
    walkShape[r - 2] = 1;
    Strided.rowsAsGiven(
        walkShape,
        new int[][] {
          prefix(av.strides(), r - 1), prefix(bv.strides(), r - 1), prefix(out.strides(), r - 1)
        },
        new int[] {av.offset(), bv.offset(), out.offset()},
        (off, len) -> batchOffsets[next[0]++] = off.clone());
    boolean floats = a.f != null && b.f != null && o.f != null;
    int rsA = av.strides()[r - 2],
        csA = av.strides()[r - 1],
        rsB = bv.strides()[r - 2],
        csB = bv.strides()[r - 1];
    int rsO = out.strides()[r - 2], csO = out.strides()[r - 1];
    for (int[] offs : batchOffsets) {
      if (floats && simd) {
        simdMatmul(
            new Strided2d(a.f, offs[0], rsA, csA),
            new Strided2d(b.f, offs[1], rsB, csB),
            new Strided2d(o.f, offs[2], rsO, csO),
            m,
            n,
            k);
      } else if (floats) {
        float[][] pa = rowsFloat(a.f, offs[0], rsA, csA, m, k);
        float[][] pb = rowsFloat(b.f, offs[1], rsB, csB, k, n);
        float[][] c = new float[m][n];
        par.parallelTiles(
            m,
            n,
            16,
            (long) m * n * k,
            (i0, i1, j0, j1) -> gemmFloat(pa, pb, c, i0, i1, j0, j1, k));
        for (int i = 0; i < m; i++) {
          int s = offs[2] + i * rsO;
          if (csO == 1) System.arraycopy(c[i], 0, o.f, s, n);
          else for (int j = 0; j < n; j++) o.f[s + j * csO] = c[i][j];
        }
      } else {
        double[][] pa = rowsDouble(a, offs[0], rsA, csA, m, k);
        double[][] pb = rowsDouble(b, offs[1], rsB, csB, k, n);
        double[][] c = new double[m][n];
        par.parallelRows(m, (long) m * n * k, (i0, i1) -> gemmRowsDouble(pa, pb, c, i0, i1, k, n));
        for (int i = 0; i < m; i++)
          for (int j = 0; j < n; j++) o.set(offs[2] + i * rsO + j * csO, c[i][j]);
      }
    }
  }

  private static int[] prefix(int[] a, int len) {
    int[] p = Arrays.copyOf(a, len);
    p[len - 1] = 0;
    return p;
  }

  /**
   * Room for a packed B on the calling thread, whose contents {@link SimdGemm#packB} overwrites
   * entirely. NOTE: kept between products because a fresh 4 MB array (a 1024 × 1024 B) cost 0.4 ms
   * to zero and as much again in collections, against a 15 ms product.
   */
  private static final ThreadBuffers PACKED = new ThreadBuffers(1);

  /** A float matrix inside an array with any strides: element (i, j) at offset + i·rs + j·cs. */
  private record Strided2d(float[] data, int offset, int rs, int cs) {}

  /** O = A · B for one m × k by k × n product, through the Vector API kernels. */
  private void simdMatmul(Strided2d am, Strided2d bm, Strided2d om, int m, int n, int k) {
    float[] a = am.data(), b = bm.data(), o = om.data();
    int aOffset = am.offset(), rsA = am.rs(), csA = am.cs();
    int bOffset = bm.offset(), rsB = bm.rs(), csB = bm.cs();
    int oOffset = om.offset(), rsO = om.rs(), csO = om.cs();
    // Both kernels read A along its rows; a transposed A (the weights in an input gradient, small)
    // is copied. B is read in place when its rows (NN) or its columns (NT) are contiguous.
    if (csA != 1 && k != 1) {
      float[] rows = new float[m * k];
      for (int i = 0; i < m; i++)
        for (int p = 0; p < k; p++) rows[i * k + p] = a[aOffset + i * rsA + p * csA];
      a = rows;
      aOffset = 0;
      rsA = k;
    }
    boolean nt = csB != 1 && (rsB == 1 || k == 1);
    if (csB != 1 && !nt) {
      float[] rows = new float[k * n];
      for (int p = 0; p < k; p++)
        for (int j = 0; j < n; j++) rows[p * n + j] = b[bOffset + p * rsB + j * csB];
      b = rows;
      bOffset = 0;
      rsB = n;
    }
    boolean direct = csO == 1;
    float[] c = direct ? o : new float[m * n];
    int cStart = direct ? oOffset : 0, ldc = direct ? rsO : n;
    int ldb = nt ? csB : rsB;
    SimdGemm.Matrix aM = new SimdGemm.Matrix(a, aOffset, rsA);
    SimdGemm.Matrix bM = new SimdGemm.Matrix(b, bOffset, ldb);
    SimdGemm.Matrix cM = new SimdGemm.Matrix(c, cStart, ldc);
    long work = (long) m * n * k;
    if (nt) {
      par.parallelTiles(
          m, n, 2, work, (i0, i1, j0, j1) -> SimdGemm.multiplyNT(aM, bM, cM, k, i0, i1, j0, j1));
    } else if (SimdGemm.packs(m, ldb)) {
      int blocks = (n + SimdGemm.width() - 1) / SimdGemm.width();
      float[] packed = PACKED.get(0, SimdGemm.packedSize(k, n));
      int chunks = (long) k * n < Parallel.ELEMENTS ? 1 : Math.min(blocks, par.threads * 4);
      par.forChunks(
          chunks,
          t ->
              SimdGemm.packB(
                  bM.data(),
                  bM.offset(),
                  ldb,
                  k,
                  n,
                  blocks * t / chunks,
                  blocks * (t + 1) / chunks,
                  packed));
      if (BlockedGemm.applies(m, k)) {
        int[] starts =
            work < Parallel.WORK ? new int[] {0, m} : BlockedGemm.chunkStarts(m, par.threads);
        par.forChunks(
            starts.length - 1,
            t -> BlockedGemm.multiply(aM, packed, cM, k, n, starts[t], starts[t + 1]));
      } else {
        par.parallelTiles(
            m,
            blocks,
            1,
            work,
            (i0, i1, q0, q1) -> SimdGemm.multiplyPackedNN(aM, packed, cM, k, n, i0, i1, q0, q1));
      }
    } else {
      int blocks = (n + SimdGemm.width() - 1) / SimdGemm.width();
      par.parallelTiles(
          m,
          blocks,
          1,
          work,
          (i0, i1, q0, q1) -> SimdGemm.multiplyNN(aM, bM, cM, k, n, i0, i1, q0, q1, null));
    }
    if (!direct)
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) o[oOffset + i * rsO + j * csO] = c[i * n + j];
  }

  // C[i, j] = Σ_p A[i, p] · B[p, j] for rows [i0, i1) and columns [j0, j1). The inner loop runs
  // along a row of B and a row of C with the same index, which the JIT turns into AVX instructions.
  // NOTE: rows are separate arrays because HotSpot does not vectorise c[ci + j] += x * b[bp + j]
  // when both indices carry an offset into arrays of one type (measured on JDK 17: about 5 GFLOP/s
  // with offsets, 20–30 without). Four rows of A share each pass over a row of B. Every C element
  // still sums over p in order, so results do not depend on tiling or threads.
  private static void gemmFloat(
      float[][] a, float[][] b, float[][] c, int i0, int i1, int j0, int j1, int k) {
    int i = i0;
    for (; i + 3 < i1; i += 4) {
      float[] c0 = c[i], c1 = c[i + 1], c2 = c[i + 2], c3 = c[i + 3];
      float[] a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
      for (int p = 0; p < k; p++) {
        float x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p];
        float[] bp = b[p];
        for (int j = j0; j < j1; j++) {
          float bv = bp[j];
          c0[j] += x0 * bv;
          c1[j] += x1 * bv;
          c2[j] += x2 * bv;
          c3[j] += x3 * bv;
        }
      }
    }
    for (; i < i1; i++) {
      float[] ci = c[i], ai = a[i];
      for (int p = 0; p < k; p++) {
        float x = ai[p];
        float[] bp = b[p];
        for (int j = j0; j < j1; j++) ci[j] += x * bp[j];
      }
    }
  }

  private static void gemmRowsDouble(
      double[][] a, double[][] b, double[][] c, int from, int to, int k, int n) {
    for (int i = from; i < to; i++) {
      double[] ci = c[i], ai = a[i];
      for (int p = 0; p < k; p++) {
        double x = ai[p];
        double[] bp = b[p];
        for (int j = 0; j < n; j++) ci[j] += x * bp[j];
      }
    }
  }

  /** The rows × cols matrix at offset with the given strides, one Java array per row. */
  private static float[][] rowsFloat(
      float[] src, int offset, int rowStride, int colStride, int rows, int cols) {
    float[][] dst = new float[rows][cols];
    if (colStride == 1) {
      for (int i = 0; i < rows; i++) System.arraycopy(src, offset + i * rowStride, dst[i], 0, cols);
      return dst;
    }
    // NOTE: a transposed operand (the weight gradient's im2col columns) is gathered in 32 × 32
    // tiles so each source cache line is used 32 times before it is evicted.
    for (int i0 = 0; i0 < rows; i0 += 32) {
      int i1 = Math.min(rows, i0 + 32);
      for (int j0 = 0; j0 < cols; j0 += 32) {
        int j1 = Math.min(cols, j0 + 32);
        for (int i = i0; i < i1; i++) {
          float[] d = dst[i];
          int s = offset + i * rowStride;
          for (int j = j0; j < j1; j++) d[j] = src[s + j * colStride];
        }
      }
    }
    return dst;
  }

  private static double[][] rowsDouble(
      HostBuffer src, int offset, int rowStride, int colStride, int rows, int cols) {
    double[][] dst = new double[rows][cols];
    for (int i = 0; i < rows; i++)
      for (int j = 0; j < cols; j++) dst[i][j] = src.get(offset + i * rowStride + j * colStride);
    return dst;
  }
}
