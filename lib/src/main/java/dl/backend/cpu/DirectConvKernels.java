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
    int h = g.h(), w = g.w(), hp = paddedH(g), wp = paddedW(g);
    int top = g.padTop(), left = g.padLeft(), right = g.padRight();
    for (int c = 0; c < g.c(); c++) {
      int plane = c * hp * wp;
      Arrays.fill(out, plane, plane + top * wp, 0f);
      Arrays.fill(out, plane + (top + h) * wp, plane + hp * wp, 0f);
      for (int ih = 0; ih < h; ih++) {
        int at = plane + (ih + top) * wp, row = base + c * st[1] + ih * st[2];
        for (int j = 0; j < left; j++) out[at + j] = 0f;
        if (st[3] == 1) System.arraycopy(x, row, out, at + left, w);
        else for (int iw = 0; iw < w; iw++) out[at + left + iw] = x[row + iw * st[3]];
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
   * Rows [o0, o0 + cog) of one image's ∂L/∂Y (rows {@code l} floats apart from {@code dy[at]})
   * transposed: {@code out[t·cw + o] = dy[at + (o0 + o)·l + t]}, the lanes past cog zero.
   */
  static void transpose(float[] dy, int at, int l, int cog, int cw, float[] out) {
    for (int o = 0; o < cog; o++)
      for (int t = 0, from = at + o * l, to = o; t < l; t++, to += cw) out[to] = dy[from + t];
    if (cw > cog) for (int t = 0; t < l; t++) Arrays.fill(out, t * cw + cog, (t + 1) * cw, 0f);
  }

  /**
   * One image's weight gradient for one group of channels, transposed: {@code into[at + p·cw + o]}
   * is set to (or, when {@code add}, has added to it) Σ_t padded[base + off[p] + y·rowStep +
   * x·colStep] · dyT[t·cw + o] over t = y·OW + x in order, for p ∈ [0, rows) and o ∈ [0, cw).
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
}
