package dl.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 matrix product with explicit SIMD through the JDK's Vector API ({@code
 * jdk.incubator.vector}), used when the JVM was started with {@code --add-modules
 * jdk.incubator.vector}; otherwise {@link CpuBackend} uses its plain-loop kernel.
 *
 * <p>Two kernels, chosen by B's layout. With B row-major ({@link #multiplyNN}) the kernel keeps a 4
 * × {@link #width()} block of C in eight vector registers for the whole sum over k, so each loaded
 * vector of B feeds eight fused multiply-adds instead of a load and store of C; each column block
 * of B is first copied into a contiguous panel (and A into a padded stride when its rows are a
 * multiple of 256 floats apart), which keeps rows of a power-of-two width from evicting each other
 * in cache. With B transposed ({@link #multiplyNT}) every element is a dot product of two
 * contiguous rows, vectorised along k in cache-sized chunks, and a 4 × 2 block of them shares each
 * loaded vector; where k fits one chunk (a linear layer) the block is finished from registers.
 *
 * <p>Every element of C goes through the same sequence of instructions whichever tile and thread
 * compute it (NN: {@code fma} over p = 0, 1, …, k−1 in order; NT: lane-wise {@code fma} in fixed
 * chunks, one lane sum, then the tail in order), so results are identical for any split over
 * threads.
 */
final class SimdGemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int W = 2 * L;

  private SimdGemm() {}

  /** Columns per packed panel: two vector registers. */
  static int width() {
    return W;
  }

  /** Lanes per vector, for the backend's one-line description. */
  static int lanes() {
    return L;
  }

  /**
   * One operand of a product: a row-major float matrix inside an array, element (i, j) at {@code
   * data[offset + i·ld + j]} ({@code ld}, the leading dimension, is the distance between rows).
   */
  record Matrix(float[] data, int offset, int ld) {}

  /**
   * C[i, j] = Σ_p A[i, p] · B[p, j] for rows [i0, i1) and column blocks [q0, q1) of {@link
   * #width()} columns, with A, B and C all row-major with unit column stride ({@code a[aOffset +
   * i·lda + p]}, {@code b[bOffset + p·ldb + j]}, {@code c[cOffset + i·ldc + j]}); {@code n} is C's
   * width; the last block may be narrower than the others. {@code panel}, when not null, is a
   * buffer of at least k·{@link #width()} floats the caller reuses for packing.
   */
  static void multiplyNN(
      Matrix am,
      Matrix bm,
      Matrix cm,
      int k,
      int n,
      int i0,
      int i1,
      int q0,
      int q1,
      float[] panel) {
    multiplyNN(am, null, bm, cm, k, n, i0, i1, q0, q1, panel);
  }

  /**
   * {@link #multiplyNN} with A's rows [i0, i1) already in {@link #rowPanels} (null: built here),
   * for a caller that multiplies the same A by many B (a convolution's weights, image by image).
   */
  static void multiplyNN(
      Matrix am,
      float[] aPanels,
      Matrix bm,
      Matrix cm,
      int k,
      int n,
      int i0,
      int i1,
      int q0,
      int q1,
      float[] panel) {
    float[] a = am.data();
    int aOffset = am.offset(), lda = am.ld();
    float[] b = bm.data();
    int bOffset = bm.offset(), ldb = bm.ld();
    float[] c = cm.data();
    int cOffset = cm.offset(), ldc = cm.ld();
    // NOTE: with more than a few rows, each block's k × W slice of B is first copied into one
    // contiguous panel. Read in place, its rows lie ldb floats apart; when ldb is a multiple of
    // 1024 (a 1024 × 1024 product) they all map to the same few cache sets and evict each other
    // (measured: 7 GFLOP/s at n = 1024, 25 at n = 1000). Other strides (a convolution's OH·OW
    // columns) read well in place, where packing cost about as much as it saved.
    boolean pack = packs(i1 - i0, ldb);
    float[] packed = !pack ? null : panel != null ? panel : new float[k * W];
    float[] panels = aPanels != null ? aPanels : rowPanels(a, aOffset, lda, k, i0, i1);
    if (pack && lda % 256 == 0 && rowsReadInPlace(panels, i0, i1) > 4) {
      // Same for A's rows, which the four-row kernel reads several at a time.
      a = paddedRows(a, aOffset, lda, k, i0, i1);
      aOffset = -i0 * (k + ROW_PAD);
      lda = k + ROW_PAD;
    }
    for (int q = q0; q < q1; q++) {
      int j = q * W;
      if (j + W <= n) {
        if (pack) {
          for (int p = 0; p < k; p++) System.arraycopy(b, bOffset + p * ldb + j, packed, p * W, W);
          blockNN(a, aOffset, lda, panels, packed, 0, W, c, cOffset + j, ldc, k, i0, i1);
        } else {
          blockNN(a, aOffset, lda, panels, b, bOffset + j, ldb, c, cOffset + j, ldc, k, i0, i1);
        }
      } else {
        int w = n - j;
        // Reusing the packing buffer leaves the previous block in the lanes past w; they only
        // reach tile columns that are never copied out.
        float[] last = packed != null ? packed : panel != null ? panel : new float[k * W];
        for (int p = 0; p < k; p++) System.arraycopy(b, bOffset + p * ldb + j, last, p * W, w);
        narrowBlock(a, aOffset, lda, panels, last, 0, c, cOffset + j, ldc, k, i0, i1, w);
      }
    }
  }

  /**
   * A last block only {@code w} < {@link #width()} columns wide (B's panel at {@code panelOffset},
   * its lanes past w unused): computed into a full-width tile, then its first w columns copied to C
   * at {@code cOffset}. NOTE: zero-padded copies rather than masked loads and stores, which JDK 17
   * does not compile to vector instructions (measured 20× slower, and they slowed the whole method
   * once seen).
   */
  private static void narrowBlock(
      float[] a,
      int aOffset,
      int lda,
      float[] aPanels,
      float[] panel,
      int panelOffset,
      float[] c,
      int cOffset,
      int ldc,
      int k,
      int i0,
      int i1,
      int w) {
    int rows = i1 - i0;
    float[] tile = new float[rows * W];
    blockNN(a, aOffset + i0 * lda, lda, aPanels, panel, panelOffset, W, tile, 0, W, k, 0, rows);
    for (int r = 0; r < rows; r++) System.arraycopy(tile, r * W, c, cOffset + (i0 + r) * ldc, w);
  }

  /**
   * Rows of [i0, i1) the kernels read from A itself rather than from {@link #rowPanels}: only those
   * can gain from {@link #paddedRows}' copy.
   */
  private static int rowsReadInPlace(float[] panels, int i0, int i1) {
    return panels == null ? i1 - i0 : (i1 - i0) % 8;
  }

  /** Floats between A's rows in {@link #paddedRows}'s copy, beyond the k it holds. */
  private static final int ROW_PAD = 16;

  /**
   * Rows [i0, i1) of A copied k + {@link #ROW_PAD} floats apart, for an A whose own rows are a
   * multiple of 256 floats apart (they would share cache sets, like B's; see {@link #multiplyNN}).
   */
  private static float[] paddedRows(float[] a, int aOffset, int lda, int k, int i0, int i1) {
    int padded = k + ROW_PAD;
    float[] copy = new float[(i1 - i0) * padded];
    for (int r = 0; r < i1 - i0; r++)
      System.arraycopy(a, aOffset + (i0 + r) * lda, copy, r * padded, k);
    return copy;
  }

  /**
   * With 32 vector registers (AVX-512) an 8 × {@link #width()} block of C fits in sixteen of them:
   * each pair of B vectors then feeds sixteen fused multiply-adds (ten loads for sixteen, against
   * six for eight in the four-row block). With 16 registers (AVX2) it would spill, so only wide
   * vectors use it.
   */
  private static final boolean EIGHT_ROWS = L >= 16;

  /**
   * Rows [i0, i1) of A (from {@code a[aOffset + i·lda]}) in panels of eight for {@link #blockNN8}:
   * {@code panels[(i − i0)·k + p·8 + r] = A[i + r, p]} for each block of eight rows from i0; null
   * without {@link #EIGHT_ROWS} or with fewer than eight rows. NOTE: the eight rows' values for one
   * p side by side are read from one moving index; eight separate row indices made C2 shuttle them
   * between general and vector registers inside the loop, on the fma units' ports.
   */
  static float[] rowPanels(Matrix a, int k, int i0, int i1) {
    return rowPanels(a.data(), a.offset(), a.ld(), k, i0, i1);
  }

  private static float[] rowPanels(float[] a, int aOffset, int lda, int k, int i0, int i1) {
    int rows = (i1 - i0) / 8 * 8;
    if (!EIGHT_ROWS || rows == 0) return null;
    float[] panels = new float[rows * k];
    for (int r = 0; r < rows; r++)
      for (int p = 0, from = aOffset + (i0 + r) * lda, to = (r / 8) * 8 * k + r % 8;
          p < k;
          p++, to += 8) panels[to] = a[from + p];
    return panels;
  }

  /**
   * Eight rows of C from an eight-row panel of A at {@code a[at]}, one {@link #width()}-column
   * block.
   */
  private static void blockNN8(
      float[] a, int at, float[] b, int bOffset, int ldb, float[] c, int cRow, int ldc, int k) {
    FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
    FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
    FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00;
    FloatVector s60 = s00, s61 = s00, s70 = s00, s71 = s00;
    for (int p = 0, pb = bOffset, ap = at; p < k; p++, pb += ldb, ap += 8) {
      FloatVector b0 = FloatVector.fromArray(S, b, pb);
      FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
      FloatVector x = FloatVector.broadcast(S, a[ap]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      x = FloatVector.broadcast(S, a[ap + 1]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      x = FloatVector.broadcast(S, a[ap + 2]);
      s20 = x.fma(b0, s20);
      s21 = x.fma(b1, s21);
      x = FloatVector.broadcast(S, a[ap + 3]);
      s30 = x.fma(b0, s30);
      s31 = x.fma(b1, s31);
      x = FloatVector.broadcast(S, a[ap + 4]);
      s40 = x.fma(b0, s40);
      s41 = x.fma(b1, s41);
      x = FloatVector.broadcast(S, a[ap + 5]);
      s50 = x.fma(b0, s50);
      s51 = x.fma(b1, s51);
      x = FloatVector.broadcast(S, a[ap + 6]);
      s60 = x.fma(b0, s60);
      s61 = x.fma(b1, s61);
      x = FloatVector.broadcast(S, a[ap + 7]);
      s70 = x.fma(b0, s70);
      s71 = x.fma(b1, s71);
    }
    s00.intoArray(c, cRow);
    s01.intoArray(c, cRow + L);
    s10.intoArray(c, cRow + ldc);
    s11.intoArray(c, cRow + ldc + L);
    s20.intoArray(c, cRow + 2 * ldc);
    s21.intoArray(c, cRow + 2 * ldc + L);
    s30.intoArray(c, cRow + 3 * ldc);
    s31.intoArray(c, cRow + 3 * ldc + L);
    s40.intoArray(c, cRow + 4 * ldc);
    s41.intoArray(c, cRow + 4 * ldc + L);
    s50.intoArray(c, cRow + 5 * ldc);
    s51.intoArray(c, cRow + 5 * ldc + L);
    s60.intoArray(c, cRow + 6 * ldc);
    s61.intoArray(c, cRow + 6 * ldc + L);
    s70.intoArray(c, cRow + 7 * ldc);
    s71.intoArray(c, cRow + 7 * ldc + L);
  }

  /**
   * Whether a product with {@code m} rows and B's rows {@code ldb} floats apart should first copy B
   * into panels ({@link #packB}): when B's rows are a multiple of 256 floats apart they map to the
   * same few cache sets (see {@link #multiplyNN}).
   */
  static boolean packs(int m, int ldb) {
    return m > 4 && ldb != W && ldb % 256 == 0;
  }

  /** Floats {@link #packB} needs for a k × n matrix. */
  static int packedSize(int k, int n) {
    return (n + W - 1) / W * k * W;
  }

  /**
   * Copies column blocks [q0, q1) of B (k × n, rows {@code ldb} apart) into contiguous k × {@link
   * #width()} panels, block q at {@code packed[q·k·W]}; the last block's missing columns are zero.
   * Done once per product and shared by every thread, instead of once per tile.
   */
  static void packB(float[] b, int bOffset, int ldb, int k, int n, int q0, int q1, float[] packed) {
    for (int q = q0; q < q1; q++) {
      int j = q * W, w = Math.min(W, n - j), at = q * k * W;
      if (w == W) {
        // Two vector copies per row: a call to arraycopy for 32 floats cost more than the copy.
        for (int p = 0, from = bOffset + j; p < k; p++, at += W, from += ldb) {
          FloatVector.fromArray(S, b, from).intoArray(packed, at);
          FloatVector.fromArray(S, b, from + L).intoArray(packed, at + L);
        }
        continue;
      }
      for (int p = 0; p < k; p++, at += W) {
        System.arraycopy(b, bOffset + p * ldb + j, packed, at, w);
        for (int col = w; col < W; col++) packed[at + col] = 0f;
      }
    }
  }

  /**
   * {@link #multiplyNN} on a B already packed by {@link #packB}: the same kernel and the same order
   * of terms, so the same results.
   */
  static void multiplyPackedNN(
      Matrix am, float[] packed, Matrix cm, int k, int n, int i0, int i1, int q0, int q1) {
    float[] a = am.data();
    int aOffset = am.offset(), lda = am.ld();
    float[] c = cm.data();
    int cOffset = cm.offset(), ldc = cm.ld();
    float[] panels = rowPanels(a, aOffset, lda, k, i0, i1);
    if (rowsReadInPlace(panels, i0, i1) > 4 && lda % 256 == 0) {
      // A's rows, read several at a time, get a padded stride for the same reason as B's.
      a = paddedRows(a, aOffset, lda, k, i0, i1);
      aOffset = -i0 * (k + ROW_PAD);
      lda = k + ROW_PAD;
    }
    for (int q = q0; q < q1; q++) {
      int j = q * W, panel = q * k * W;
      if (j + W <= n) {
        blockNN(a, aOffset, lda, panels, packed, panel, W, c, cOffset + j, ldc, k, i0, i1);
      } else {
        narrowBlock(a, aOffset, lda, panels, packed, panel, c, cOffset + j, ldc, k, i0, i1, n - j);
      }
    }
  }

  /**
   * One block of {@link #width()} columns starting at {@code b[bOffset]} and {@code c[cOffset]}.
   */
  private static void blockNN(
      float[] a,
      int aOffset,
      int lda,
      float[] aPanels,
      float[] b,
      int bOffset,
      int ldb,
      float[] c,
      int cOffset,
      int ldc,
      int k,
      int i0,
      int i1) {
    int i = i0;
    if (aPanels != null)
      for (; i + 7 < i1; i += 8)
        blockNN8(aPanels, (i - i0) * k, b, bOffset, ldb, c, cOffset + i * ldc, ldc, k);
    for (; i + 3 < i1; i += 4) {
      int a0 = aOffset + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
      FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
      for (int p = 0, pb = bOffset; p < k; p++, pb += ldb) {
        FloatVector b0 = FloatVector.fromArray(S, b, pb);
        FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
        FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
        s00 = x.fma(b0, s00);
        s01 = x.fma(b1, s01);
        x = FloatVector.broadcast(S, a[a1 + p]);
        s10 = x.fma(b0, s10);
        s11 = x.fma(b1, s11);
        x = FloatVector.broadcast(S, a[a2 + p]);
        s20 = x.fma(b0, s20);
        s21 = x.fma(b1, s21);
        x = FloatVector.broadcast(S, a[a3 + p]);
        s30 = x.fma(b0, s30);
        s31 = x.fma(b1, s31);
      }
      int c0 = cOffset + i * ldc;
      s00.intoArray(c, c0);
      s01.intoArray(c, c0 + L);
      s10.intoArray(c, c0 + ldc);
      s11.intoArray(c, c0 + ldc + L);
      s20.intoArray(c, c0 + 2 * ldc);
      s21.intoArray(c, c0 + 2 * ldc + L);
      s30.intoArray(c, c0 + 3 * ldc);
      s31.intoArray(c, c0 + 3 * ldc + L);
    }
    for (; i < i1; i++) {
      int a0 = aOffset + i * lda;
      FloatVector s0 = FloatVector.zero(S), s1 = s0;
      for (int p = 0, pb = bOffset; p < k; p++, pb += ldb) {
        FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
        s0 = x.fma(FloatVector.fromArray(S, b, pb), s0);
        s1 = x.fma(FloatVector.fromArray(S, b, pb + L), s1);
      }
      int c0 = cOffset + i * ldc;
      s0.intoArray(c, c0);
      s1.intoArray(c, c0 + L);
    }
  }

  /**
   * C[i, j] = Σ_p A[i, p] · Bᵀ[j, p] for rows [i0, i1) and columns [j0, j1): the product with a
   * transposed B whose rows are contiguous ({@code bt[btOffset + j·ldbt + p]}), as in a weight
   * gradient (dY · colsᵀ) or a linear layer (x · Wᵀ). Each element is a dot product of two
   * contiguous rows, vectorised along p; lanes are summed at the end, then the last k mod lanes
   * terms are added in order.
   */
  static void multiplyNT(Matrix am, Matrix btm, Matrix cm, int k, int i0, int i1, int j0, int j1) {
    float[] a = am.data();
    int aOffset = am.offset(), lda = am.ld();
    float[] bt = btm.data();
    int btOffset = btm.offset(), ldbt = btm.ld();
    float[] c = cm.data();
    int cOffset = cm.offset(), ldc = cm.ld();
    int kv = k - k % L, rows = i1 - i0, cols = j1 - j0;
    if (kv <= KC) {
      multiplyShortNT(a, aOffset, lda, bt, btOffset, ldbt, c, cOffset, ldc, k, i0, i1, j0, j1);
      return;
    }
    // Lane-wise partial sums of every element of the tile, carried from one chunk of p to the
    // next. NOTE: chunking p keeps the rows being read (A's and Bᵀ's, KC floats each) in cache
    // while every pair of them is visited; a weight gradient's rows are 50,000 floats long.
    float[] partial = new float[rows * cols * L];
    for (int p0 = 0; p0 < kv; p0 += KC) {
      int p1 = Math.min(kv, p0 + KC);
      int i = i0;
      for (; i + 3 < i1; i += 4) {
        int a0 = aOffset + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int j = j0;
        for (; j + 1 < j1; j += 2) {
          int b0 = btOffset + j * ldbt, b1 = b0 + ldbt;
          int t00 = ((i - i0) * cols + (j - j0)) * L, t01 = t00 + L;
          int t10 = t00 + cols * L, t11 = t10 + L;
          int t20 = t10 + cols * L, t21 = t20 + L;
          int t30 = t20 + cols * L, t31 = t30 + L;
          FloatVector s00 = FloatVector.fromArray(S, partial, t00);
          FloatVector s01 = FloatVector.fromArray(S, partial, t01);
          FloatVector s10 = FloatVector.fromArray(S, partial, t10);
          FloatVector s11 = FloatVector.fromArray(S, partial, t11);
          FloatVector s20 = FloatVector.fromArray(S, partial, t20);
          FloatVector s21 = FloatVector.fromArray(S, partial, t21);
          FloatVector s30 = FloatVector.fromArray(S, partial, t30);
          FloatVector s31 = FloatVector.fromArray(S, partial, t31);
          for (int p = p0; p < p1; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, bt, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, bt, b1 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            x = FloatVector.fromArray(S, a, a2 + p);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            x = FloatVector.fromArray(S, a, a3 + p);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
          }
          s00.intoArray(partial, t00);
          s01.intoArray(partial, t01);
          s10.intoArray(partial, t10);
          s11.intoArray(partial, t11);
          s20.intoArray(partial, t20);
          s21.intoArray(partial, t21);
          s30.intoArray(partial, t30);
          s31.intoArray(partial, t31);
        }
        for (; j < j1; j++)
          for (int r = 0; r < 4; r++)
            chunk(
                a,
                a0 + r * lda,
                bt,
                btOffset + j * ldbt,
                p0,
                p1,
                partial,
                tile(i + r - i0, j - j0, cols));
      }
      for (; i < i1; i++)
        for (int j = j0; j < j1; j++)
          chunk(
              a,
              aOffset + i * lda,
              bt,
              btOffset + j * ldbt,
              p0,
              p1,
              partial,
              tile(i - i0, j - j0, cols));
    }
    for (int i = i0; i < i1; i++)
      for (int j = j0; j < j1; j++)
        c[cOffset + i * ldc + j] =
            finish(
                partial,
                tile(i - i0, j - j0, cols),
                a,
                aOffset + i * lda,
                bt,
                btOffset + j * ldbt,
                kv,
                k);
  }

  /**
   * {@link #multiplyNT} where the vector part of k is one chunk (a linear layer: k is its input
   * width). The same steps for every element, but each 4 × 2 block is finished from registers, so
   * no partial sums go through memory (for x · Wᵀ of LeNet-5's first linear layer they were 0.5 MB
   * per call), and the eight lane sums run side by side instead of one after the other.
   */
  private static void multiplyShortNT(
      float[] a,
      int aOffset,
      int lda,
      float[] bt,
      int btOffset,
      int ldbt,
      float[] c,
      int cOffset,
      int ldc,
      int k,
      int i0,
      int i1,
      int j0,
      int j1) {
    int kv = k - k % L;
    float[] lanes = new float[8 * L];
    int i = i0;
    for (; i + 3 < i1; i += 4) {
      int a0 = aOffset + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      int j = j0;
      for (; j + 1 < j1; j += 2) {
        int b0 = btOffset + j * ldbt, b1 = b0 + ldbt;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
        FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        for (int p = 0; p < kv; p += L) {
          FloatVector y0 = FloatVector.fromArray(S, bt, b0 + p);
          FloatVector y1 = FloatVector.fromArray(S, bt, b1 + p);
          FloatVector x = FloatVector.fromArray(S, a, a0 + p);
          s00 = x.fma(y0, s00);
          s01 = x.fma(y1, s01);
          x = FloatVector.fromArray(S, a, a1 + p);
          s10 = x.fma(y0, s10);
          s11 = x.fma(y1, s11);
          x = FloatVector.fromArray(S, a, a2 + p);
          s20 = x.fma(y0, s20);
          s21 = x.fma(y1, s21);
          x = FloatVector.fromArray(S, a, a3 + p);
          s30 = x.fma(y0, s30);
          s31 = x.fma(y1, s31);
        }
        s00.intoArray(lanes, 0);
        s01.intoArray(lanes, L);
        s10.intoArray(lanes, 2 * L);
        s11.intoArray(lanes, 3 * L);
        s20.intoArray(lanes, 4 * L);
        s21.intoArray(lanes, 5 * L);
        s30.intoArray(lanes, 6 * L);
        s31.intoArray(lanes, 7 * L);
        float c00 = 0f, c01 = 0f, c10 = 0f, c11 = 0f, c20 = 0f, c21 = 0f, c30 = 0f, c31 = 0f;
        for (int lane = 0; lane < L; lane++) {
          c00 += lanes[lane];
          c01 += lanes[L + lane];
          c10 += lanes[2 * L + lane];
          c11 += lanes[3 * L + lane];
          c20 += lanes[4 * L + lane];
          c21 += lanes[5 * L + lane];
          c30 += lanes[6 * L + lane];
          c31 += lanes[7 * L + lane];
        }
        for (int p = kv; p < k; p++) {
          c00 = Math.fma(a[a0 + p], bt[b0 + p], c00);
          c01 = Math.fma(a[a0 + p], bt[b1 + p], c01);
          c10 = Math.fma(a[a1 + p], bt[b0 + p], c10);
          c11 = Math.fma(a[a1 + p], bt[b1 + p], c11);
          c20 = Math.fma(a[a2 + p], bt[b0 + p], c20);
          c21 = Math.fma(a[a2 + p], bt[b1 + p], c21);
          c30 = Math.fma(a[a3 + p], bt[b0 + p], c30);
          c31 = Math.fma(a[a3 + p], bt[b1 + p], c31);
        }
        int c0 = cOffset + i * ldc + j;
        c[c0] = c00;
        c[c0 + 1] = c01;
        c[c0 + ldc] = c10;
        c[c0 + ldc + 1] = c11;
        c[c0 + 2 * ldc] = c20;
        c[c0 + 2 * ldc + 1] = c21;
        c[c0 + 3 * ldc] = c30;
        c[c0 + 3 * ldc + 1] = c31;
      }
      for (; j < j1; j++)
        for (int r = 0; r < 4; r++)
          shortDot(
              a, a0 + r * lda, bt, btOffset + j * ldbt, k, c, cOffset + (i + r) * ldc + j, lanes);
    }
    for (; i < i1; i++)
      for (int j = j0; j < j1; j++)
        shortDot(a, aOffset + i * lda, bt, btOffset + j * ldbt, k, c, cOffset + i * ldc + j, lanes);
  }

  /** One element of {@link #multiplyShortNT}, in the same steps. */
  private static void shortDot(
      float[] a, int ai, float[] b, int bi, int k, float[] c, int ci, float[] lanes) {
    int kv = k - k % L;
    FloatVector s = FloatVector.zero(S);
    for (int p = 0; p < kv; p += L)
      s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), s);
    s.intoArray(lanes, 0);
    c[ci] = finish(lanes, 0, a, ai, b, bi, kv, k);
  }

  /** Chunk of p for one element's dot product, over its lane-wise partial sums. */
  private static final int KC = 1024;

  private static int tile(int r, int col, int cols) {
    return (r * cols + col) * L;
  }

  private static void chunk(
      float[] a, int ai, float[] b, int bi, int p0, int p1, float[] partial, int at) {
    FloatVector s = FloatVector.fromArray(S, partial, at);
    for (int p = p0; p < p1; p += L)
      s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), s);
    s.intoArray(partial, at);
  }

  // NOTE: every element, whichever loop computes it, goes through the same steps: lane-wise fma
  // over the vector part in chunks of KC (fixed boundaries, not the tile's), one lane sum, then the
  // scalar tail. That keeps results independent of how rows and columns are split over threads.
  // The lane sum adds lanes 0, 1, 2, … in turn, by hand: reduceLanes(ADD) leaves the order open,
  // and
  // since JDK 23 its compiled form and the interpreter's fallback use different orders, so results
  // depended on when the JIT had compiled it (on JDK 25, two runs of the same training differed).
  // On JDK 17 both already used this order, so results there are unchanged.
  private static float finish(
      float[] partial, int at, float[] a, int ai, float[] b, int bi, int kv, int k) {
    float sum = 0f;
    for (int lane = 0; lane < L; lane++) sum += partial[at + lane];
    for (int p = kv; p < k; p++) sum = Math.fma(a[ai + p], b[bi + p], sum);
    return sum;
  }
}
