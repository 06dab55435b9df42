package dl.backend.cpu;

import dl.backend.ConvGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A convolution's weight gradient read straight from the image, without unfolding it: ∂L/∂W[o, p] =
 * Σ_t ∂L/∂Y[o, t] · unfold(X)[p, t], where row p = (c, ki, kj) of the unfolded matrix is the
 * image's channel c shifted by (ki, kj). With the image copied once into a zero-padded plane, that
 * row's element t = (y, x) sits at {@code padded[offset(p) + y·sh·Wp + x·sw]}, so the product can
 * broadcast it from there.
 *
 * <p>NOTE: the image-by-image product this replaces (a packed product with the unfolded matrix
 * transposed) first unfolded the image (C·kh·kw × OH·OW floats) and then transposed the unfolded
 * matrix into panels, element by element: two passes over a matrix kh·kw times the image, which
 * cost more than the product itself for a few channels (ResNet's 16-channel layers). Here the
 * transposed operand is ∂L/∂Y instead (C_out × OH·OW, kh·kw times smaller), and C is computed
 * transposed (rows p, columns o, vectors along o). Every element is still one {@code fma} chain
 * over t = 0, 1, …, OH·OW−1 in order, starting from zero, with the same two factors (padding reads
 * a zero, as the unfolded matrix holds one), so the results are the same bits as before.
 */
final class DirectConvWeightGradient {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private DirectConvWeightGradient() {}

  /** ∂L/∂Y's columns rounded up to whole vectors: the row length of {@link #transpose}'s copy. */
  static int paddedColumns(int cog) {
    return (cog + L - 1) / L * L;
  }

  /**
   * One image's ∂L/∂Y for cog channels (oh × ow planes, {@code oh·ow} floats apart from {@code
   * dy[at]}) transposed, each output row widened to {@code wp} ≥ ow positions: {@code out[(y·wp +
   * x)·cw + o] = dy[at + o·oh·ow + y·ow + x]} for o < cog and x < ow, zero for x ∈ [ow, wp) (the
   * padded width of {@link #flatWeightGradient}; wp = ow for {@link #weightGradient}); the lanes
   * past cog repeat channel cog − 1.
   */
  static void transpose(float[] dy, int at, int oh, int ow, int wp, int cog, int cw, float[] out) {
    // NOTE: one gather per vector of channels: the element-by-element copy stored cw floats apart,
    // a cache line per store, and measured about 6× slower for 16 channels at 28×28. The lanes
    // past cog only feed weight-gradient columns that are never read back, so the last gather
    // repeats a channel there instead of needing a mask (or zeros written one by one).
    int l = oh * ow, whole = cog / L * L;
    int[] rows = new int[L], last = new int[L];
    for (int i = 0; i < L; i++) {
      rows[i] = i * l;
      last[i] = Math.min(i, cog - whole - 1) * l;
    }
    FloatVector zero = FloatVector.zero(S);
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int t = y * ow + x, to = (y * wp + x) * cw, v = 0;
        for (; v < whole; v += L)
          FloatVector.fromArray(S, dy, at + v * l + t, rows, 0).intoArray(out, to + v);
        if (v < cog) FloatVector.fromArray(S, dy, at + v * l + t, last, 0).intoArray(out, to + v);
      }
      for (int x = ow; x < wp; x++)
        for (int v = 0; v < cw; v += L) zero.intoArray(out, (y * wp + x) * cw + v);
    }
  }

  /**
   * Whether {@link #flatWeightGradient} applies: stride 1 and a single vector of output channels
   * (cw = L, ResNet-8's 16-channel layers).
   *
   * <p>NOTE: with one vector of channels, {@link #weightGradient}'s kernel does one fma per image
   * element it broadcasts, and each broadcast's index (row start + position, the position jumping
   * at the end of each output row) needs its own bounds check in the loop: JFR put a tenth of a
   * ResNet-8 step in those checks. Over the padded width instead (positions t = y·Wp + x, with
   * ∂L/∂Y zero in the columns x ≥ OW), the index is a + t, and the JIT checks the whole loop's
   * range once. That computes Wp/OW times as many terms (30/28 here); the extra ones add 0·x, which
   * leaves a sum of finite terms as it was (but for the sign of a zero sum).
   */
  static boolean flat(ConvGeometry g, int cw) {
    return g.strideH() == 1
        && g.strideW() == 1
        && cw == L
        && g.outW() <= DirectConvKernels.paddedW(g);
  }

  /**
   * {@link #weightGradient} for one vector of columns over flat positions (see {@link #flat}):
   * {@code into[at + p·L + o]} (+)= Σ_t padded[base + off[p] + t] · dyT[t·L + o], t &lt; positions.
   */
  static void flatWeightGradient(
      float[] padded,
      int base,
      int[] off,
      int rows,
      float[] dyT,
      int positions,
      float[] into,
      int at,
      boolean add) {
    int p = 0;
    for (; p + 7 < rows; p += 8) flat8(padded, base, off, p, dyT, positions, into, at, add);
    for (; p < rows; p++)
      row1x1(padded, base + off[p], dyT, L, 0, 1, positions, positions, 1, into, at + p * L, add);
  }

  /** Rows p … p+7 of {@link #flatWeightGradient}. */
  private static void flat8(
      float[] a,
      int base,
      int[] off,
      int p,
      float[] dyT,
      int positions,
      float[] into,
      int at,
      boolean add) {
    int a0 = base + off[p], a1 = base + off[p + 1], a2 = base + off[p + 2];
    int a3 = base + off[p + 3], a4 = base + off[p + 4], a5 = base + off[p + 5];
    int a6 = base + off[p + 6], a7 = base + off[p + 7];
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    FloatVector s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (int t = 0; t < positions; t++) {
      FloatVector b = FloatVector.fromArray(S, dyT, t * L);
      s0 = FloatVector.broadcast(S, a[a0 + t]).fma(b, s0);
      s1 = FloatVector.broadcast(S, a[a1 + t]).fma(b, s1);
      s2 = FloatVector.broadcast(S, a[a2 + t]).fma(b, s2);
      s3 = FloatVector.broadcast(S, a[a3 + t]).fma(b, s3);
      s4 = FloatVector.broadcast(S, a[a4 + t]).fma(b, s4);
      s5 = FloatVector.broadcast(S, a[a5 + t]).fma(b, s5);
      s6 = FloatVector.broadcast(S, a[a6 + t]).fma(b, s6);
      s7 = FloatVector.broadcast(S, a[a7 + t]).fma(b, s7);
    }
    int c = at + p * L;
    put(s0, into, c, add);
    put(s1, into, c + L, add);
    put(s2, into, c + 2 * L, add);
    put(s3, into, c + 3 * L, add);
    put(s4, into, c + 4 * L, add);
    put(s5, into, c + 5 * L, add);
    put(s6, into, c + 6 * L, add);
    put(s7, into, c + 7 * L, add);
  }

  /**
   * One image's weight gradient for one group of channels, transposed: {@code into[at + p·cw + o]}
   * is set to (or, when {@code add}, has added to it) Σ_t padded[base + off[p] + y·rowStep +
   * x·colStep] · dyT[t·cw + o] over t = y·OW + x in order, for p ∈ [0, rows) and o ∈ [0, cw).
   *
   * <p>NOTE: a kernel for 3-wide stride-1 kernels that broadcast each image element once for the
   * three windows reading it was 3% faster per ResNet-8 step when compiled well, but about one JVM
   * in five compiled it without the Vector API's intrinsics after LeNet-5 had run first, and the
   * step then took 1.8× as long for the rest of the JVM's life (JFR: 58% of the time in that
   * kernel), so it was removed; so was a two-vector variant, for the same reason. Larger register
   * blocks here risk the same.
   */
  static void weightGradient(
      float[] padded,
      int base,
      int[] off,
      int rows,
      float[] dyT,
      int cw,
      int oh,
      int ow,
      int rowStep,
      int colStep,
      float[] into,
      int at,
      boolean add) {
    int p = 0;
    if (cw == 4 * L) { // 64 channels: see rows4x4
      for (; p + 3 < rows; p += 4)
        rows4x4(padded, base, off, p, dyT, cw, oh, ow, rowStep, colStep, into, at, add);
    }
    for (; p + 7 < rows; p += 8) {
      int v = 0;
      for (; v + 2 * L <= cw; v += 2 * L)
        rows8x2(padded, base, off, p, dyT, cw, v, oh, ow, rowStep, colStep, into, at, add);
      if (v < cw)
        rows8x1(padded, base, off, p, dyT, cw, v, oh, ow, rowStep, colStep, into, at, add);
    }
    for (; p < rows; p++)
      for (int v = 0; v < cw; v += L)
        row1x1(
            padded,
            base + off[p],
            dyT,
            cw,
            v,
            oh,
            ow,
            rowStep,
            colStep,
            into,
            at + p * cw + v,
            add);
  }

  private static void put(FloatVector s, float[] into, int i, boolean add) {
    if (add) FloatVector.fromArray(S, into, i).add(s).intoArray(into, i);
    else s.intoArray(into, i);
  }

  /** Rows p … p+7, columns v … v+2L−1 of {@link #weightGradient}: sixteen vector accumulators. */
  private static void rows8x2(
      float[] a,
      int base,
      int[] off,
      int p,
      float[] dyT,
      int cw,
      int v,
      int oh,
      int ow,
      int rowStep,
      int colStep,
      float[] into,
      int at,
      boolean add) {
    int a0 = base + off[p], a1 = base + off[p + 1], a2 = base + off[p + 2];
    int a3 = base + off[p + 3], a4 = base + off[p + 4], a5 = base + off[p + 5];
    int a6 = base + off[p + 6], a7 = base + off[p + 7];
    FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
    FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
    FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00;
    FloatVector s60 = s00, s61 = s00, s70 = s00, s71 = s00;
    int l = oh * ow, wrap = rowStep - ow * colStep;
    for (int t = 0, x = 0, pos = 0, bt = v; t < l; t++, bt += cw) {
      FloatVector b0 = FloatVector.fromArray(S, dyT, bt);
      FloatVector b1 = FloatVector.fromArray(S, dyT, bt + L);
      FloatVector e = FloatVector.broadcast(S, a[a0 + pos]);
      s00 = e.fma(b0, s00);
      s01 = e.fma(b1, s01);
      e = FloatVector.broadcast(S, a[a1 + pos]);
      s10 = e.fma(b0, s10);
      s11 = e.fma(b1, s11);
      e = FloatVector.broadcast(S, a[a2 + pos]);
      s20 = e.fma(b0, s20);
      s21 = e.fma(b1, s21);
      e = FloatVector.broadcast(S, a[a3 + pos]);
      s30 = e.fma(b0, s30);
      s31 = e.fma(b1, s31);
      e = FloatVector.broadcast(S, a[a4 + pos]);
      s40 = e.fma(b0, s40);
      s41 = e.fma(b1, s41);
      e = FloatVector.broadcast(S, a[a5 + pos]);
      s50 = e.fma(b0, s50);
      s51 = e.fma(b1, s51);
      e = FloatVector.broadcast(S, a[a6 + pos]);
      s60 = e.fma(b0, s60);
      s61 = e.fma(b1, s61);
      e = FloatVector.broadcast(S, a[a7 + pos]);
      s70 = e.fma(b0, s70);
      s71 = e.fma(b1, s71);
      pos += colStep;
      if (++x == ow) {
        x = 0;
        pos += wrap;
      }
    }
    int c = at + p * cw + v;
    // NOTE: written out rather than through put(): with sixteen calls the JIT stopped inlining it
    // part way, and each call it left boxed its vector on the heap (JFR: a tenth of a ResNet-8
    // step's allocations). into + s and s + into are the same sum.
    if (add) {
      s00 = s00.add(FloatVector.fromArray(S, into, c));
      s01 = s01.add(FloatVector.fromArray(S, into, c + L));
      s10 = s10.add(FloatVector.fromArray(S, into, c + cw));
      s11 = s11.add(FloatVector.fromArray(S, into, c + cw + L));
      s20 = s20.add(FloatVector.fromArray(S, into, c + 2 * cw));
      s21 = s21.add(FloatVector.fromArray(S, into, c + 2 * cw + L));
      s30 = s30.add(FloatVector.fromArray(S, into, c + 3 * cw));
      s31 = s31.add(FloatVector.fromArray(S, into, c + 3 * cw + L));
      s40 = s40.add(FloatVector.fromArray(S, into, c + 4 * cw));
      s41 = s41.add(FloatVector.fromArray(S, into, c + 4 * cw + L));
      s50 = s50.add(FloatVector.fromArray(S, into, c + 5 * cw));
      s51 = s51.add(FloatVector.fromArray(S, into, c + 5 * cw + L));
      s60 = s60.add(FloatVector.fromArray(S, into, c + 6 * cw));
      s61 = s61.add(FloatVector.fromArray(S, into, c + 6 * cw + L));
      s70 = s70.add(FloatVector.fromArray(S, into, c + 7 * cw));
      s71 = s71.add(FloatVector.fromArray(S, into, c + 7 * cw + L));
    }
    s00.intoArray(into, c);
    s01.intoArray(into, c + L);
    s10.intoArray(into, c + cw);
    s11.intoArray(into, c + cw + L);
    s20.intoArray(into, c + 2 * cw);
    s21.intoArray(into, c + 2 * cw + L);
    s30.intoArray(into, c + 3 * cw);
    s31.intoArray(into, c + 3 * cw + L);
    s40.intoArray(into, c + 4 * cw);
    s41.intoArray(into, c + 4 * cw + L);
    s50.intoArray(into, c + 5 * cw);
    s51.intoArray(into, c + 5 * cw + L);
    s60.intoArray(into, c + 6 * cw);
    s61.intoArray(into, c + 6 * cw + L);
    s70.intoArray(into, c + 7 * cw);
    s71.intoArray(into, c + 7 * cw + L);
  }

  /**
   * Rows p … p+3 and all four vectors of columns (cw = 4L, 64 channels) of {@link #weightGradient}:
   * sixteen accumulators, as in {@link #rows8x2}, but four broadcasts per position instead of
   * eight. NOTE: each broadcast's index jumps at the end of every output row, so each is
   * range-checked on its own (see {@link #flat}); with half as many per fma, ResNet-8's 64-channel
   * layers measured faster.
   */
  private static void rows4x4(
      float[] a,
      int base,
      int[] off,
      int p,
      float[] dyT,
      int cw,
      int oh,
      int ow,
      int rowStep,
      int colStep,
      float[] into,
      int at,
      boolean add) {
    int a0 = base + off[p], a1 = base + off[p + 1], a2 = base + off[p + 2];
    int a3 = base + off[p + 3];
    FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
    FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
    FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
    FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
    int l = oh * ow, wrap = rowStep - ow * colStep;
    for (int t = 0, x = 0, pos = 0, bt = 0; t < l; t++, bt += cw) {
      FloatVector b0 = FloatVector.fromArray(S, dyT, bt);
      FloatVector b1 = FloatVector.fromArray(S, dyT, bt + L);
      FloatVector b2 = FloatVector.fromArray(S, dyT, bt + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, dyT, bt + 3 * L);
      FloatVector e = FloatVector.broadcast(S, a[a0 + pos]);
      s00 = e.fma(b0, s00);
      s01 = e.fma(b1, s01);
      s02 = e.fma(b2, s02);
      s03 = e.fma(b3, s03);
      e = FloatVector.broadcast(S, a[a1 + pos]);
      s10 = e.fma(b0, s10);
      s11 = e.fma(b1, s11);
      s12 = e.fma(b2, s12);
      s13 = e.fma(b3, s13);
      e = FloatVector.broadcast(S, a[a2 + pos]);
      s20 = e.fma(b0, s20);
      s21 = e.fma(b1, s21);
      s22 = e.fma(b2, s22);
      s23 = e.fma(b3, s23);
      e = FloatVector.broadcast(S, a[a3 + pos]);
      s30 = e.fma(b0, s30);
      s31 = e.fma(b1, s31);
      s32 = e.fma(b2, s32);
      s33 = e.fma(b3, s33);
      pos += colStep;
      if (++x == ow) {
        x = 0;
        pos += wrap;
      }
    }
    int c = at + p * cw;
    // Written out, as in rows8x2 (a call per vector left some of them boxed).
    if (add) {
      s00 = s00.add(FloatVector.fromArray(S, into, c));
      s01 = s01.add(FloatVector.fromArray(S, into, c + L));
      s02 = s02.add(FloatVector.fromArray(S, into, c + 2 * L));
      s03 = s03.add(FloatVector.fromArray(S, into, c + 3 * L));
      s10 = s10.add(FloatVector.fromArray(S, into, c + cw));
      s11 = s11.add(FloatVector.fromArray(S, into, c + cw + L));
      s12 = s12.add(FloatVector.fromArray(S, into, c + cw + 2 * L));
      s13 = s13.add(FloatVector.fromArray(S, into, c + cw + 3 * L));
      s20 = s20.add(FloatVector.fromArray(S, into, c + 2 * cw));
      s21 = s21.add(FloatVector.fromArray(S, into, c + 2 * cw + L));
      s22 = s22.add(FloatVector.fromArray(S, into, c + 2 * cw + 2 * L));
      s23 = s23.add(FloatVector.fromArray(S, into, c + 2 * cw + 3 * L));
      s30 = s30.add(FloatVector.fromArray(S, into, c + 3 * cw));
      s31 = s31.add(FloatVector.fromArray(S, into, c + 3 * cw + L));
      s32 = s32.add(FloatVector.fromArray(S, into, c + 3 * cw + 2 * L));
      s33 = s33.add(FloatVector.fromArray(S, into, c + 3 * cw + 3 * L));
    }
    s00.intoArray(into, c);
    s01.intoArray(into, c + L);
    s02.intoArray(into, c + 2 * L);
    s03.intoArray(into, c + 3 * L);
    s10.intoArray(into, c + cw);
    s11.intoArray(into, c + cw + L);
    s12.intoArray(into, c + cw + 2 * L);
    s13.intoArray(into, c + cw + 3 * L);
    s20.intoArray(into, c + 2 * cw);
    s21.intoArray(into, c + 2 * cw + L);
    s22.intoArray(into, c + 2 * cw + 2 * L);
    s23.intoArray(into, c + 2 * cw + 3 * L);
    s30.intoArray(into, c + 3 * cw);
    s31.intoArray(into, c + 3 * cw + L);
    s32.intoArray(into, c + 3 * cw + 2 * L);
    s33.intoArray(into, c + 3 * cw + 3 * L);
  }

  /** Rows p … p+7, one vector of columns from v, of {@link #weightGradient}. */
  private static void rows8x1(
      float[] a,
      int base,
      int[] off,
      int p,
      float[] dyT,
      int cw,
      int v,
      int oh,
      int ow,
      int rowStep,
      int colStep,
      float[] into,
      int at,
      boolean add) {
    int a0 = base + off[p], a1 = base + off[p + 1], a2 = base + off[p + 2];
    int a3 = base + off[p + 3], a4 = base + off[p + 4], a5 = base + off[p + 5];
    int a6 = base + off[p + 6], a7 = base + off[p + 7];
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    FloatVector s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    int l = oh * ow, wrap = rowStep - ow * colStep;
    for (int t = 0, x = 0, pos = 0, bt = v; t < l; t++, bt += cw) {
      FloatVector b = FloatVector.fromArray(S, dyT, bt);
      s0 = FloatVector.broadcast(S, a[a0 + pos]).fma(b, s0);
      s1 = FloatVector.broadcast(S, a[a1 + pos]).fma(b, s1);
      s2 = FloatVector.broadcast(S, a[a2 + pos]).fma(b, s2);
      s3 = FloatVector.broadcast(S, a[a3 + pos]).fma(b, s3);
      s4 = FloatVector.broadcast(S, a[a4 + pos]).fma(b, s4);
      s5 = FloatVector.broadcast(S, a[a5 + pos]).fma(b, s5);
      s6 = FloatVector.broadcast(S, a[a6 + pos]).fma(b, s6);
      s7 = FloatVector.broadcast(S, a[a7 + pos]).fma(b, s7);
      pos += colStep;
      if (++x == ow) {
        x = 0;
        pos += wrap;
      }
    }
    int c = at + p * cw + v;
    put(s0, into, c, add);
    put(s1, into, c + cw, add);
    put(s2, into, c + 2 * cw, add);
    put(s3, into, c + 3 * cw, add);
    put(s4, into, c + 4 * cw, add);
    put(s5, into, c + 5 * cw, add);
    put(s6, into, c + 6 * cw, add);
    put(s7, into, c + 7 * cw, add);
  }

  /** One row (starting at {@code a[a0]}) and one vector of columns of {@link #weightGradient}. */
  private static void row1x1(
      float[] a,
      int a0,
      float[] dyT,
      int cw,
      int v,
      int oh,
      int ow,
      int rowStep,
      int colStep,
      float[] into,
      int c,
      boolean add) {
    FloatVector s = FloatVector.zero(S);
    int l = oh * ow, wrap = rowStep - ow * colStep;
    for (int t = 0, x = 0, pos = 0, bt = v; t < l; t++, bt += cw) {
      s = FloatVector.broadcast(S, a[a0 + pos]).fma(FloatVector.fromArray(S, dyT, bt), s);
      pos += colStep;
      if (++x == ow) {
        x = 0;
        pos += wrap;
      }
    }
    put(s, into, c, add);
  }

  /** {@code total[at + j] += part[from + j]} for j < n, in vectors. */
  static void accumulate(float[] total, int at, float[] part, int from, int n) {
    int j = 0;
    for (; j + L <= n; j += L)
      FloatVector.fromArray(S, total, at + j)
          .add(FloatVector.fromArray(S, part, from + j))
          .intoArray(total, at + j);
    for (; j < n; j++) total[at + j] += part[from + j];
  }

  private static final ThreadBuffers PARTIALS = new ThreadBuffers(1);

  /**
   * A buffer for partial weight gradients, at least {@code size} floats (contents stale): this
   * thread's, reused ({@link ThreadBuffers}). NOTE: a fresh one per call (2.4 MB for a 64-channel
   * 3×3 layer at batch 64) cost about 15% of that layer's weight gradient, zeroing it.
   */
  static float[] partials(int size) {
    return PARTIALS.get(0, size);
  }

  /**
   * The weight gradient from partial ones, {@code size} floats apart from {@code partial[0]}, each
   * laid out as {@link #weightGradient} leaves it (group q's rows p = 0 … kg−1 from {@code
   * q·kg·cw}, columns o = 0 … cw−1): dw[dwAt + (q·cog + o)·kg + p] = ((partial 0 + partial {@code
   * from}) + partial from+1) + … + partial sums−1, for rows r = q·kg + p in [r0, r1).
   *
   * <p>NOTE: read element by element in dw's order, the partials are walked cw floats apart and
   * {@code size} floats apart, a cache miss per term for a 64-channel layer's megabytes of
   * partials; row by row, vectors of columns are added with the same terms in the same order.
   */
  static void sumPartials(
      float[] partial,
      int from,
      int sums,
      int size,
      int groups,
      int kg,
      int cog,
      int cw,
      float[] dw,
      int dwAt,
      int r0,
      int r1) {
    float[] lanes = new float[L];
    for (int r = r0; r < r1; r++) {
      int q = r / kg, p = r % kg, to = dwAt + q * cog * kg + p;
      for (int v = 0; v < cw; v += L) {
        int j = r * cw + v;
        FloatVector sum = FloatVector.fromArray(S, partial, j);
        for (int s = from; s < sums; s++)
          sum = sum.add(FloatVector.fromArray(S, partial, s * size + j));
        sum.intoArray(lanes, 0);
        for (int o = v, end = Math.min(cog, v + L); o < end; o++) dw[to + o * kg] = lanes[o - v];
      }
    }
  }
}
