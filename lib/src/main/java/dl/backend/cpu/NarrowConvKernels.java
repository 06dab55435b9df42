package dl.backend.cpu;

import dl.backend.ConvGeometry;
import dl.backend.View;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stride-1 convolution kernels for six channels, LeNet's width: the forward pass of a layer with
 * six output channels (c1, 1 → 6) and the input gradient of a layer with six input channels (c3, 6
 * → 16). Both read the image (or ∂L/∂Y) in place from zero-padded planes, as {@link
 * DirectConvForward} and {@link DirectConvKernels#inputGradient} do for multiples of eight
 * channels, with a register block of six rows: each loaded vector feeds six fma instead of the
 * product's four and two (forward) or the one-row kernel's one (input gradient).
 *
 * <p>NOTE: every element is the same {@code fma} chain, in the same order, from zero, with the same
 * factors as the path it replaces (forward: unfold and {@code SimdGemm.multiplyNN}, a chain over p
 * = 0, 1, …, C·kh·kw − 1; input gradient: the product Wᵀ·∂L/∂Y, a chain over o in order, then fold,
 * which adds the kernel offsets k in order into a zeroed image), so the results are the same bits.
 */
final class NarrowConvKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Channels per register block. */
  private static final int ROWS = 6;

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[2][]);

  private final Parallel par;
  private final boolean simd;

  NarrowConvKernels(Parallel par, boolean simd) {
    this.par = par;
    this.simd = simd;
  }

  /** This thread's buffer {@code slot} with room for {@code size} floats (contents stale). */
  private static float[] scratch(int slot, int size) {
    float[][] mine = SCRATCH.get();
    if (mine[slot] == null || mine[slot].length < size) mine[slot] = new float[size];
    return mine[slot];
  }

  private boolean floats(View... views) {
    if (!simd) return false;
    for (View v : views) if (HostBuffer.of(v).f == null) return false;
    return true;
  }

  private static boolean strideOne(ConvGeometry g) {
    return g.strideH() == 1 && g.strideW() == 1 && DirectConvKernels.applies(g);
  }

  /**
   * Y = W · unfold(X) when each group has six output channels (and stride 1); false (nothing done)
   * otherwise, and the caller takes another path.
   */
  boolean conv2d(View x, View weight, ConvGeometry g, int groups, View out) {
    int cout = weight.shape()[0], cog = cout / groups, kg = g.rows() / groups;
    if (cog != ROWS
        || !strideOne(g)
        || !floats(x, weight, out)
        || !weight.isContiguous()
        || !out.isContiguous()) return false;
    float[] xs = HostBuffer.of(x).f, w = HostBuffer.of(weight).f, y = HostBuffer.of(out).f;
    int l = g.outH() * g.outW(), wp = DirectConvKernels.paddedW(g), oh = g.outH(), ow = g.outW();
    int positions = oh * wp, stride = DirectConvForward.rowLength(g);
    int[] off = DirectConvKernels.rowOffsets(g, kg);
    int groupPlanes = kg / (g.kh() * g.kw()) * DirectConvKernels.paddedH(g) * wp;
    int[] st = x.strides();
    par.parallelRows(
        g.n(),
        (long) g.n() * cout * kg * l,
        (i0, i1) -> {
          float[] padded = scratch(0, DirectConvForward.paddedSize(g));
          float[] rows = scratch(1, ROWS * stride);
          for (int i = i0; i < i1; i++) {
            DirectConvForward.pad(xs, x.offset() + i * st[0], st, g, padded);
            for (int q = 0; q < groups; q++) {
              int wAt = weight.offset() + q * cog * kg, base = q * groupPlanes;
              for (int j = 0; j < positions; j += 2 * L)
                rows6x2(padded, base + j, off, w, wAt, kg, rows, j, stride);
              int yAt = out.offset() + (i * cout + q * cog) * l;
              for (int o = 0; o < ROWS; o++)
                for (int r = 0; r < oh; r++)
                  System.arraycopy(rows, o * stride + r * wp, y, yAt + (o * oh + r) * ow, ow);
            }
          }
        });
    return true;
  }

  /** Six output channels × 2L positions of the forward pass: one fma chain over p each. */
  private static void rows6x2(
      float[] b, int bAt, int[] off, float[] a, int aRow, int k, float[] c, int cRow, int ldc) {
    int a0 = aRow, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k, a5 = a4 + k;
    FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
    FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
    FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00;
    for (int p = 0; p < k; p++) {
      int pb = bAt + off[p];
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
      x = FloatVector.broadcast(S, a[a4 + p]);
      s40 = x.fma(b0, s40);
      s41 = x.fma(b1, s41);
      x = FloatVector.broadcast(S, a[a5 + p]);
      s50 = x.fma(b0, s50);
      s51 = x.fma(b1, s51);
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
  }

  /**
   * ∂L/∂X = fold(Wᵀ · ∂L/∂Y) into the zeroed {@code gx} when each group has six input channels (and
   * stride 1, no side padded past the kernel's reach); false (nothing done) otherwise.
   */
  boolean inputGradient(View gOut, View weight, ConvGeometry g, int groups, View gx) {
    int cout = weight.shape()[0], cog = cout / groups, cg = g.c() / groups;
    int reachH = g.dilationH() * (g.kh() - 1), reachW = g.dilationW() * (g.kw() - 1);
    if (cg != ROWS
        || !strideOne(g)
        || g.padTop() > reachH
        || g.padBottom() > reachH
        || g.padLeft() > reachW
        || g.padRight() > reachW
        || !floats(gOut, weight, gx)
        || !gOut.isContiguous()
        || !weight.isContiguous()
        || !gx.isContiguous()) return false;
    float[] dy = HostBuffer.of(gOut).f, w = HostBuffer.of(weight).f, dx = HostBuffer.of(gx).f;
    int khw = g.kh() * g.kw(), l = g.outH() * g.outW(), hw = g.h() * g.w();
    float[] wk = DirectConvKernels.weightsByOffset(w, weight.offset(), groups, cog, cg, khw);
    par.parallelRows(
        g.n(),
        (long) g.n() * cout * cg * khw * l,
        (i0, i1) -> {
          float[] planes = scratch(0, DirectConvKernels.gradPlanesSize(g, cog));
          float[] rows = scratch(1, DirectConvKernels.gradRowsSize(g, cg));
          for (int i = i0; i < i1; i++)
            for (int q = 0; q < groups; q++)
              inputGradientImage(
                  g,
                  dy,
                  gOut.offset() + (i * cout + q * cog) * l,
                  cog,
                  wk,
                  q * khw * cog * cg,
                  planes,
                  rows,
                  dx,
                  gx.offset() + (i * groups + q) * cg * hw);
        });
    return true;
  }

  /**
   * One image and group: ∂L/∂X[c, ih, iw] = Σ_k Σ_o W[o, c, k] · ∂L/∂Y[o, ih + pt − ki·dh, iw + pl
   * − kj·dw], laid out as {@link DirectConvKernels#inputGradient} documents (∂L/∂Y in padded
   * planes, every kernel offset one shift of the flat position ih·Wq + iw).
   */
  private static void inputGradientImage(
      ConvGeometry g,
      float[] dy,
      int dyAt,
      int cog,
      float[] wk,
      int wkAt,
      float[] planes,
      float[] rows,
      float[] dx,
      int dxAt) {
    int kh = g.kh(), kw = g.kw(), dh = g.dilationH(), dw = g.dilationW(), khw = kh * kw;
    int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW();
    int hq = h + dh * (kh - 1), wq = wd + dw * (kw - 1), planeQ = hq * wq;
    DirectConvKernels.padPlanes(
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
    Arrays.fill(planes, cog * planeQ, DirectConvKernels.gradPlanesSize(g, cog), 0f);
    int positions = h * wq, stride = DirectConvKernels.gradRowsSize(g, 1);
    Arrays.fill(rows, 0, ROWS * stride, 0f);
    for (int j = 0; j < positions; j += 2 * L)
      for (int k = 0; k < khw; k++) {
        int shift = dh * (kh - 1 - k / kw) * wq + dw * (kw - 1 - k % kw);
        chain6x2(planes, j + shift, planeQ, wk, wkAt + k * cog * ROWS, cog, rows, j, stride);
      }
    for (int c = 0; c < ROWS; c++)
      for (int ih = 0; ih < h; ih++)
        System.arraycopy(rows, c * stride + ih * wq, dx, dxAt + (c * h + ih) * wd, wd);
  }

  private static void addInto(float[] rows, int at, FloatVector t) {
    FloatVector.fromArray(S, rows, at).add(t).intoArray(rows, at);
  }

  /**
   * Six channels × 2L positions of the input gradient for one kernel offset: one fma chain over the
   * cog output channels (∂L/∂Y planes {@code planeQ} apart from {@code d}; the six channels'
   * weights side by side from {@code wk[wi]}), added to {@code rows[at + c·stride]}.
   */
  private static void chain6x2(
      float[] planes,
      int d,
      int planeQ,
      float[] wk,
      int wi,
      int cog,
      float[] rows,
      int at,
      int stride) {
    FloatVector t00 = FloatVector.zero(S), t01 = t00, t10 = t00, t11 = t00;
    FloatVector t20 = t00, t21 = t00, t30 = t00, t31 = t00;
    FloatVector t40 = t00, t41 = t00, t50 = t00, t51 = t00;
    for (int o = 0; o < cog; o++, d += planeQ, wi += ROWS) {
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
    }
    addInto(rows, at, t00);
    addInto(rows, at + L, t01);
    addInto(rows, at + stride, t10);
    addInto(rows, at + stride + L, t11);
    addInto(rows, at + 2 * stride, t20);
    addInto(rows, at + 2 * stride + L, t21);
    addInto(rows, at + 3 * stride, t30);
    addInto(rows, at + 3 * stride + L, t31);
    addInto(rows, at + 4 * stride, t40);
    addInto(rows, at + 4 * stride + L, t41);
    addInto(rows, at + 5 * stride, t50);
    addInto(rows, at + 5 * stride + L, t51);
  }
}
