package dl.backend.cpu;

import dl.backend.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the direct convolution kernels share, and one of them: an image copied into zero-padded
 * planes ({@link #pad}) and where row p = (c, ki, kj) of the unfolded matrix starts in them ({@link
 * #rowOffsets}), read in place by {@link DirectConvForward} and {@link DirectConvWeightGradient};
 * and ∂L/∂X of a stride-1 convolution straight from ∂L/∂Y, kernel offset by kernel offset ({@link
 * #inputGradient}), for channel counts the forward kernel does not take, with the chain kernels
 * {@link StridedInputGradient} also uses for strides above 1.
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
