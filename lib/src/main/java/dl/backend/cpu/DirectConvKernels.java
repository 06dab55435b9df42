package dl.backend.cpu;

import dl.backend.ConvGeometry;
import java.util.Arrays;
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
final class DirectConvKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private DirectConvKernels() {}

  /** Height of the zero-padded plane of {@link #pad}. */
  static int paddedH(ConvGeometry g) {
    return g.h() + g.padTop() + g.padBottom();
  }

  /** Width of the zero-padded plane of {@link #pad}. */
  static int paddedW(ConvGeometry g) {
    return g.w() + g.padLeft() + g.padRight();
  }

  /** Whether {@link #pad} applies: padding is never negative (a crop). */
  static boolean applies(ConvGeometry g) {
    return g.padTop() >= 0 && g.padBottom() >= 0 && g.padLeft() >= 0 && g.padRight() >= 0;
  }

  /**
   * One image (first element {@code x[base]}, strides {@code st}) copied into zero-padded planes:
   * {@code out[c·Hp·Wp + (ih + top)·Wp + iw + left] = x[c, ih, iw]}, zero elsewhere.
   */
  static void pad(float[] x, int base, int[] st, ConvGeometry g, float[] out) {
    padPlanes(
        x,
        base,
        st[1],
        st[2],
        st[3],
        g.c(),
        g.h(),
        g.w(),
        g.padTop(),
        g.padBottom(),
        g.padLeft(),
        g.padRight(),
        out);
  }

  /**
   * {@code channels} planes of h × w (element (c, i, j) at {@code x[base + c·cs + i·hs + j·ws]})
   * copied into zero-padded planes of (h + top + bottom) × (w + left + right), one after another
   * from {@code out[0]}.
   */
  static void padPlanes(
      float[] x,
      int base,
      int cs,
      int hs,
      int ws,
      int channels,
      int h,
      int w,
      int top,
      int bottom,
      int left,
      int right,
      float[] out) {
    int hp = h + top + bottom, wp = w + left + right;
    for (int c = 0; c < channels; c++) {
      int plane = c * hp * wp;
      Arrays.fill(out, plane, plane + top * wp, 0f);
      Arrays.fill(out, plane + (top + h) * wp, plane + hp * wp, 0f);
      for (int ih = 0; ih < h; ih++) {
        int at = plane + (ih + top) * wp, row = base + c * cs + ih * hs;
        for (int j = 0; j < left; j++) out[at + j] = 0f;
        if (ws == 1) System.arraycopy(x, row, out, at + left, w);
        else for (int iw = 0; iw < w; iw++) out[at + left + iw] = x[row + iw * ws];
        for (int j = 0; j < right; j++) out[at + left + w + j] = 0f;
      }
    }
  }

  /**
   * Where row p = (c, ki, kj) of the unfolded matrix starts in {@link #pad}'s planes, for the
   * {@code rows} = C·kh·kw rows of one group of channels.
   */
  static int[] rowOffsets(ConvGeometry g, int rows) {
    int hp = paddedH(g), wp = paddedW(g), khw = g.kh() * g.kw();
    int[] off = new int[rows];
    for (int p = 0; p < rows; p++) {
      int c = p / khw, ki = (p / g.kw()) % g.kh(), kj = p % g.kw();
      off[p] = c * hp * wp + ki * g.dilationH() * wp + kj * g.dilationW();
    }
    return off;
  }

  /** ∂L/∂Y's columns rounded up to whole vectors: the row length of {@link #transpose}'s copy. */
  static int paddedColumns(int cog) {
    return (cog + L - 1) / L * L;
  }

  /**
   * One image's ∂L/∂Y for cog channels (rows {@code l} floats apart from {@code dy[at]})
   * transposed: {@code out[t·cw + o] = dy[at + o·l + t]} for o < cog; the lanes past cog repeat
   * channel cog − 1.
   */
  static void transpose(float[] dy, int at, int l, int cog, int cw, float[] out) {
    // NOTE: one gather per vector of channels: the element-by-element copy stored cw floats apart,
    // a cache line per store, and measured about 6× slower for 16 channels at 28×28. The lanes
    // past cog only feed weight-gradient columns that are never read back, so the last gather
    // repeats a channel there instead of needing a mask (or zeros written one by one).
    int whole = cog / L * L;
    int[] rows = new int[L], last = new int[L];
    for (int i = 0; i < L; i++) {
      rows[i] = i * l;
      last[i] = Math.min(i, cog - whole - 1) * l;
    }
    for (int t = 0; t < l; t++) {
      int v = 0;
      for (; v < whole; v += L)
        FloatVector.fromArray(S, dy, at + v * l + t, rows, 0).intoArray(out, t * cw + v);
      if (v < cog) FloatVector.fromArray(S, dy, at + v * l + t, last, 0).intoArray(out, t * cw + v);
    }
  }

  /**
   * One image's weight gradient for one group of channels, transposed: {@code into[at + p·cw + o]}
   * is set to (or, when {@code add}, has added to it) Σ_t padded[base + off[p] + y·rowStep +
   * x·colStep] · dyT[t·cw + o] over t = y·OW + x in order, for p ∈ [0, rows) and o ∈ [0, cw).
   * {@code slide}: what {@link #slides} says of these rows.
   */
  static void weightGradient(
      float[] padded,
      int base,
      int[] off,
      int rows,
      boolean slide,
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
    if (slide) {
      // NOTE: one vector of columns at a time. A kernel for two (18 accumulators) ran 15–20% faster
      // on 32 and 64 channels once compiled well, but C2 often compiled it badly (the Vector API
      // not intrinsified: 143 kB of code instead of 38, the 64-channel layer 3.5× slower).
      for (; p + 8 < rows; p += 9)
        for (int v = 0; v < cw; v += L)
          slide9x1(padded, base, off, p, dyT, cw, v, oh, ow, rowStep, into, at, add);
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

  /**
   * Whether the rows come in triples of neighbouring windows, read with stride 1 over at least two
   * columns: off[p + 1] = off[p] + 1 and off[p + 2] = off[p] + 2 for p = 0, 3, 6, … (a 3-wide
   * kernel, dilation 1).
   *
   * <p>NOTE: with stride 1, such a triple's rows are one row of the padded plane read at x, x + 1
   * and x + 2, so the element at u is the first window's term for x = u, the second's for x = u − 1
   * and the third's for x = u − 2: broadcast once, it feeds three accumulators, with ∂L/∂Y's
   * columns u, u − 1, u − 2 kept in registers. Every accumulator still gets its terms in the order
   * of t, the same fma chain as one row at a time; a third of the broadcasts.
   */
  static boolean slides(int[] off, int rows, int colStep, int ow) {
    if (colStep != 1 || ow < 2 || rows % 3 != 0) return false;
    for (int p = 0; p < rows; p += 3)
      if (off[p + 1] != off[p] + 1 || off[p + 2] != off[p] + 2) return false;
    return true;
  }

  private static void put(FloatVector s, float[] into, int i, boolean add) {
    if (add) FloatVector.fromArray(S, into, i).add(s).intoArray(into, i);
    else s.intoArray(into, i);
  }

  /**
   * Rows p … p+8 ({@link #slides three triples}), one vector of columns from v, of {@link
   * #weightGradient}.
   */
  private static void slide9x1(
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
      float[] into,
      int at,
      boolean add) {
    int a0 = base + off[p], a1 = base + off[p + 3], a2 = base + off[p + 6];
    FloatVector s00 = FloatVector.zero(S);
    FloatVector s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00, s20 = s00;
    FloatVector s21 = s00, s22 = s00;
    for (int y = 0, row = 0, bt = v; y < oh; y++, row += rowStep, bt += ow * cw) {
      // u = 0: the first window of each triple only (x = 0)
      FloatVector d0 = FloatVector.fromArray(S, dyT, bt);
      FloatVector e = FloatVector.broadcast(S, a[a0 + row]);
      s00 = e.fma(d0, s00);
      e = FloatVector.broadcast(S, a[a1 + row]);
      s10 = e.fma(d0, s10);
      e = FloatVector.broadcast(S, a[a2 + row]);
      s20 = e.fma(d0, s20);
      // u = 1: the first two windows
      FloatVector d1 = d0;
      d0 = FloatVector.fromArray(S, dyT, bt + cw);
      e = FloatVector.broadcast(S, a[a0 + row + 1]);
      s00 = e.fma(d0, s00);
      s01 = e.fma(d1, s01);
      e = FloatVector.broadcast(S, a[a1 + row + 1]);
      s10 = e.fma(d0, s10);
      s11 = e.fma(d1, s11);
      e = FloatVector.broadcast(S, a[a2 + row + 1]);
      s20 = e.fma(d0, s20);
      s21 = e.fma(d1, s21);
      FloatVector d2;
      for (int u = 2, bu = bt + 2 * cw; u < ow; u++, bu += cw) {
        d2 = d1;
        d1 = d0;
        d0 = FloatVector.fromArray(S, dyT, bu);
        e = FloatVector.broadcast(S, a[a0 + row + u]);
        s00 = e.fma(d0, s00);
        s01 = e.fma(d1, s01);
        s02 = e.fma(d2, s02);
        e = FloatVector.broadcast(S, a[a1 + row + u]);
        s10 = e.fma(d0, s10);
        s11 = e.fma(d1, s11);
        s12 = e.fma(d2, s12);
        e = FloatVector.broadcast(S, a[a2 + row + u]);
        s20 = e.fma(d0, s20);
        s21 = e.fma(d1, s21);
        s22 = e.fma(d2, s22);
      }
      // u = OW, OW + 1: the last two windows, then the last one
      d2 = d1;
      d1 = d0;
      e = FloatVector.broadcast(S, a[a0 + row + ow]);
      s01 = e.fma(d1, s01);
      s02 = e.fma(d2, s02);
      e = FloatVector.broadcast(S, a[a1 + row + ow]);
      s11 = e.fma(d1, s11);
      s12 = e.fma(d2, s12);
      e = FloatVector.broadcast(S, a[a2 + row + ow]);
      s21 = e.fma(d1, s21);
      s22 = e.fma(d2, s22);
      d2 = d1;
      e = FloatVector.broadcast(S, a[a0 + row + ow + 1]);
      s02 = e.fma(d2, s02);
      e = FloatVector.broadcast(S, a[a1 + row + ow + 1]);
      s12 = e.fma(d2, s12);
      e = FloatVector.broadcast(S, a[a2 + row + ow + 1]);
      s22 = e.fma(d2, s22);
    }
    // NOTE: stored inline, not through put(): a call here is past C2's inlining budget for
    // this method, and every accumulator passed to it would be boxed.
    int c = at + p * cw + v;
    if (add) {
      s00 = FloatVector.fromArray(S, into, c).add(s00);
      s01 = FloatVector.fromArray(S, into, c + cw).add(s01);
      s02 = FloatVector.fromArray(S, into, c + 2 * cw).add(s02);
      s10 = FloatVector.fromArray(S, into, c + 3 * cw).add(s10);
      s11 = FloatVector.fromArray(S, into, c + 4 * cw).add(s11);
      s12 = FloatVector.fromArray(S, into, c + 5 * cw).add(s12);
      s20 = FloatVector.fromArray(S, into, c + 6 * cw).add(s20);
      s21 = FloatVector.fromArray(S, into, c + 7 * cw).add(s21);
      s22 = FloatVector.fromArray(S, into, c + 8 * cw).add(s22);
    }
    s00.intoArray(into, c);
    s01.intoArray(into, c + cw);
    s02.intoArray(into, c + 2 * cw);
    s10.intoArray(into, c + 3 * cw);
    s11.intoArray(into, c + 4 * cw);
    s12.intoArray(into, c + 5 * cw);
    s20.intoArray(into, c + 6 * cw);
    s21.intoArray(into, c + 7 * cw);
    s22.intoArray(into, c + 8 * cw);
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
    put(s00, into, c, add);
    put(s01, into, c + L, add);
    put(s10, into, c + cw, add);
    put(s11, into, c + cw + L, add);
    put(s20, into, c + 2 * cw, add);
    put(s21, into, c + 2 * cw + L, add);
    put(s30, into, c + 3 * cw, add);
    put(s31, into, c + 3 * cw + L, add);
    put(s40, into, c + 4 * cw, add);
    put(s41, into, c + 4 * cw + L, add);
    put(s50, into, c + 5 * cw, add);
    put(s51, into, c + 5 * cw + L, add);
    put(s60, into, c + 6 * cw, add);
    put(s61, into, c + 6 * cw + L, add);
    put(s70, into, c + 7 * cw, add);
    put(s71, into, c + 7 * cw + L, add);
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

  private static final ThreadLocal<float[]> PARTIALS = new ThreadLocal<>();

  /** The most floats of partial weight gradients a thread keeps between calls (16 MB). */
  private static final int KEPT_PARTIALS = 1 << 22;

  /**
   * A buffer for partial weight gradients, at least {@code size} floats (contents stale): this
   * thread's, reused, up to {@link #KEPT_PARTIALS}. NOTE: a fresh one per call (2.4 MB for a
   * 64-channel 3×3 layer at batch 64) cost about 15% of that layer's weight gradient, zeroing it.
   */
  static float[] partials(int size) {
    if (size > KEPT_PARTIALS) return new float[size];
    float[] mine = PARTIALS.get();
    if (mine == null || mine.length < size) PARTIALS.set(mine = new float[size]);
    return mine;
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

  // ------------------------------------------------------------- input gradient, stride 1

  /**
   * Whether {@link #inputGradient} applies and pays: stride 1, no side padded by more than the
   * kernel's reach d·(k − 1) (so ∂L/∂Y's padding below is never negative), and at least eight
   * channels per group. NOTE: with fewer (LeNet's 6) every channel takes the one-row kernel, which
   * measured 0.7× the product-and-fold path; with 16–64 channels it measured 1.4–1.5× (one thread).
   */
  static boolean inputGradientApplies(ConvGeometry g, int cg) {
    int reachH = g.dilationH() * (g.kh() - 1), reachW = g.dilationW() * (g.kw() - 1);
    return cg >= 8
        && g.strideH() == 1
        && g.strideW() == 1
        && g.padTop() <= reachH
        && g.padBottom() <= reachH
        && g.padLeft() <= reachW
        && g.padRight() <= reachW;
  }

  /**
   * The weight [C_out, C/groups, kh, kw] (from {@code w[at]}) reordered for {@link #inputGradient}:
   * group by group, kernel offset k, then output channel o, then input channel c.
   */
  static float[] weightsByOffset(float[] w, int at, int groups, int cog, int cg, int khw) {
    float[] wk = new float[groups * khw * cog * cg];
    for (int q = 0; q < groups; q++)
      for (int o = 0; o < cog; o++)
        for (int c = 0; c < cg; c++)
          for (int k = 0; k < khw; k++)
            wk[((q * khw + k) * cog + o) * cg + c] = w[at + ((q * cog + o) * cg + c) * khw + k];
    return wk;
  }

  /** Floats of one image's ∂L/∂Y planes as {@link #inputGradient} reads them, slack included. */
  static int gradPlanesSize(ConvGeometry g, int cog) {
    int hq = g.h() + g.dilationH() * (g.kh() - 1), wq = g.w() + g.dilationW() * (g.kw() - 1);
    return cog * hq * wq + 2 * L + wq;
  }

  /** Floats of {@link #inputGradient}'s result rows for one group of {@code cg} channels. */
  static int gradRowsSize(ConvGeometry g, int cg) {
    return cg * gradRowLength(g);
  }

  private static int gradRowLength(ConvGeometry g) {
    int positions = g.h() * (g.w() + g.dilationW() * (g.kw() - 1));
    return (positions + 2 * L - 1) / (2 * L) * (2 * L);
  }

  /**
   * ∂L/∂X of one image and one group of channels for a stride-1 convolution, straight from ∂L/∂Y
   * without the C·kh·kw × OH·OW matrix Wᵀ·∂L/∂Y that {@code fold} would scatter back: ∂L/∂X[c, ih,
   * iw] = Σ_k Σ_o W[o, c, k] · ∂L/∂Y[o, ih + pt − ki·dh, iw + pl − kj·dw] over kernel offsets k =
   * (ki, kj) in order, each inner sum one fma chain over o in order from zero; that is the order of
   * the product and fold it replaces, term for term, so the bits are the same. (A window that falls
   * outside ∂L/∂Y adds a chain of fma(w, 0, ·) = +0, which changes no sum, for finite weights.)
   *
   * <p>{@code dy[dyAt + o·OH·OW]} holds the group's cog planes; they are first copied into {@code
   * planes} (size {@link #gradPlanesSize}) padded so that every offset k is one shift of a flat
   * index q = ih·Wq + iw (Wq = W + dw·(kw − 1)). The sums go to {@code rows} (size {@link
   * #gradRowsSize}) in that layout, and then their columns iw &lt; W to {@code dx[dxAt + c·H·W +
   * ih·W + iw]}. {@code wk[wkAt + (k·cog + o)·cg + c]} is the group's weight W[o, c, k], laid out
   * by {@link #weightsByOffset} so that the channels a tile broadcasts lie side by side.
   */
  static void inputGradient(
      ConvGeometry g,
      float[] dy,
      int dyAt,
      int cog,
      float[] wk,
      int wkAt,
      int cg,
      float[] planes,
      float[] rows,
      float[] dx,
      int dxAt) {
    int kh = g.kh(), kw = g.kw(), dh = g.dilationH(), dw = g.dilationW(), khw = kh * kw;
    int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW();
    int hq = h + dh * (kh - 1), wq = wd + dw * (kw - 1), planeQ = hq * wq;
    padPlanes(
        dy,
        dyAt,
        oh * ow,
        ow,
        1,
        cog,
        oh,
        ow,
        dh * (kh - 1) - g.padTop(),
        dh * (kh - 1) - g.padBottom(),
        dw * (kw - 1) - g.padLeft(),
        dw * (kw - 1) - g.padRight(),
        planes);
    // The last vector block reads up to 2L floats past the last plane's positions.
    Arrays.fill(planes, cog * planeQ, gradPlanesSize(g, cog), 0f);
    int[] shift = new int[khw];
    for (int k = 0; k < khw; k++) shift[k] = dh * (kh - 1 - k / kw) * wq + dw * (kw - 1 - k % kw);
    int positions = h * wq, stride = gradRowLength(g);
    Arrays.fill(rows, 0, cg * stride, 0f);
    int c = 0;
    for (; c + 7 < cg; c += 8)
      for (int j = 0; j < positions; j += 2 * L)
        for (int k = 0; k < khw; k++)
          chain8x2(
              planes,
              j + shift[k],
              planeQ,
              wk,
              wkAt + k * cog * cg + c,
              cg,
              cog,
              rows,
              c * stride + j,
              stride);
    for (; c < cg; c++)
      for (int j = 0; j < positions; j += 2 * L)
        for (int k = 0; k < khw; k++)
          chain1x2(
              planes,
              j + shift[k],
              planeQ,
              wk,
              wkAt + k * cog * cg + c,
              cg,
              cog,
              rows,
              c * stride + j);
    for (c = 0; c < cg; c++)
      for (int ih = 0; ih < h; ih++)
        System.arraycopy(rows, c * stride + ih * wq, dx, dxAt + (c * h + ih) * wd, wd);
  }

  private static void addInto(float[] rows, int at, FloatVector t) {
    FloatVector.fromArray(S, rows, at).add(t).intoArray(rows, at);
  }

  /**
   * Eight channels × 2L positions of {@link #inputGradient} for one kernel offset: one fma chain
   * over the cog output channels (∂L/∂Y planes {@code planeQ} apart from {@code d}; the eight
   * channels' weights side by side from {@code wk[wi]}, {@code oStep} apart per output channel),
   * added to {@code rows[at + r·stride]}.
   */
  // NOTE: the sixteen read-add-writes are written out, not calls to addInto: sixteen calls pushed
  // the method past C2's inlining budget, and the vectors were then boxed on every call.
  static void chain8x2(
      float[] planes,
      int d,
      int planeQ,
      float[] wk,
      int wi,
      int oStep,
      int cog,
      float[] rows,
      int at,
      int stride) {
    FloatVector t00 = FloatVector.zero(S), t01 = t00, t10 = t00, t11 = t00;
    FloatVector t20 = t00, t21 = t00, t30 = t00, t31 = t00;
    FloatVector t40 = t00, t41 = t00, t50 = t00, t51 = t00;
    FloatVector t60 = t00, t61 = t00, t70 = t00, t71 = t00;
    for (int o = 0; o < cog; o++, d += planeQ, wi += oStep) {
      FloatVector b0 = FloatVector.fromArray(S, planes, d);
      FloatVector b1 = FloatVector.fromArray(S, planes, d + L);
      FloatVector e = FloatVector.broadcast(S, wk[wi]);
      t00 = e.fma(b0, t00);
      t01 = e.fma(b1, t01);
      e = FloatVector.broadcast(S, wk[wi + 1]);
      t10 = e.fma(b0, t10);
      t11 = e.fma(b1, t11);
      e = FloatVector.broadcast(S, wk[wi + 2]);
      t20 = e.fma(b0, t20);
      t21 = e.fma(b1, t21);
      e = FloatVector.broadcast(S, wk[wi + 3]);
      t30 = e.fma(b0, t30);
      t31 = e.fma(b1, t31);
      e = FloatVector.broadcast(S, wk[wi + 4]);
      t40 = e.fma(b0, t40);
      t41 = e.fma(b1, t41);
      e = FloatVector.broadcast(S, wk[wi + 5]);
      t50 = e.fma(b0, t50);
      t51 = e.fma(b1, t51);
      e = FloatVector.broadcast(S, wk[wi + 6]);
      t60 = e.fma(b0, t60);
      t61 = e.fma(b1, t61);
      e = FloatVector.broadcast(S, wk[wi + 7]);
      t70 = e.fma(b0, t70);
      t71 = e.fma(b1, t71);
    }
    FloatVector.fromArray(S, rows, at).add(t00).intoArray(rows, at);
    FloatVector.fromArray(S, rows, at + L).add(t01).intoArray(rows, at + L);
    FloatVector.fromArray(S, rows, at + stride).add(t10).intoArray(rows, at + stride);
    FloatVector.fromArray(S, rows, at + stride + L).add(t11).intoArray(rows, at + stride + L);
    FloatVector.fromArray(S, rows, at + 2 * stride).add(t20).intoArray(rows, at + 2 * stride);
    FloatVector.fromArray(S, rows, at + 2 * stride + L)
        .add(t21)
        .intoArray(rows, at + 2 * stride + L);
    FloatVector.fromArray(S, rows, at + 3 * stride).add(t30).intoArray(rows, at + 3 * stride);
    FloatVector.fromArray(S, rows, at + 3 * stride + L)
        .add(t31)
        .intoArray(rows, at + 3 * stride + L);
    FloatVector.fromArray(S, rows, at + 4 * stride).add(t40).intoArray(rows, at + 4 * stride);
    FloatVector.fromArray(S, rows, at + 4 * stride + L)
        .add(t41)
        .intoArray(rows, at + 4 * stride + L);
    FloatVector.fromArray(S, rows, at + 5 * stride).add(t50).intoArray(rows, at + 5 * stride);
    FloatVector.fromArray(S, rows, at + 5 * stride + L)
        .add(t51)
        .intoArray(rows, at + 5 * stride + L);
    FloatVector.fromArray(S, rows, at + 6 * stride).add(t60).intoArray(rows, at + 6 * stride);
    FloatVector.fromArray(S, rows, at + 6 * stride + L)
        .add(t61)
        .intoArray(rows, at + 6 * stride + L);
    FloatVector.fromArray(S, rows, at + 7 * stride).add(t70).intoArray(rows, at + 7 * stride);
    FloatVector.fromArray(S, rows, at + 7 * stride + L)
        .add(t71)
        .intoArray(rows, at + 7 * stride + L);
  }

  /** {@link #chain8x2} for one channel. */
  static void chain1x2(
      float[] planes,
      int d,
      int planeQ,
      float[] wk,
      int wi,
      int oStep,
      int cog,
      float[] rows,
      int at) {
    FloatVector t0 = FloatVector.zero(S), t1 = t0;
    for (int o = 0; o < cog; o++, d += planeQ, wi += oStep) {
      FloatVector e = FloatVector.broadcast(S, wk[wi]);
      t0 = e.fma(FloatVector.fromArray(S, planes, d), t0);
      t1 = e.fma(FloatVector.fromArray(S, planes, d + L), t1);
    }
    addInto(rows, at, t0);
    addInto(rows, at + L, t1);
  }
}
