package dl.backend.cpu;

import dl.backend.ConvGeometry;
import dl.backend.View;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stride-1 convolution kernels for six channels, LeNet's width: the forward pass of a layer with
 * six output channels (c1, 1 → 6) and the input gradient of a layer with six input channels (c3, 6
 * → 16), which is the forward convolution of ∂L/∂Y with the flipped kernel (as {@link
 * DirectConvForward} computes it for multiples of eight channels). The forward reads the image (or
 * ∂L/∂Y) in place from zero-padded planes with a register block of six rows: each loaded vector
 * feeds six fma instead of the product's four and two.
 *
 * <p>NOTE: every forward element is the same {@code fma} chain, in the same order, from zero, with
 * the same factors as unfold and {@code SimdGemm.multiplyNN} (a chain over p = 0, 1, …, C·kh·kw −
 * 1), so the results are the same bits. The input gradient is one chain over output channels and
 * kernel offsets together, which rounds differently from fold's order (offsets outer).
 */
final class NarrowConvKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Channels per register block. */
  private static final int ROWS = 6;

  private static final ThreadBuffers SCRATCH = new ThreadBuffers(2);

  private final Parallel par;

  /** Only with SIMD: this class's fields load the Vector API (see {@code CpuBackend}). */
  NarrowConvKernels(Parallel par) {
    this.par = par;
  }

  private static boolean floats(View... views) {
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
    int cout = weight.shape()[0], cog = cout / groups;
    if (cog != ROWS
        || !strideOne(g)
        || !floats(x, weight, out)
        || !weight.isContiguous()
        || !out.isContiguous()) return false;
    float[] xs = HostBuffer.of(x).f, w = HostBuffer.of(weight).f, y = HostBuffer.of(out).f;
    forward(xs, x.offset(), x.strides(), g, w, weight.offset(), groups, cout, y, out.offset());
    return true;
  }

  /**
   * The stride-1 forward pass for six output channels per group, image by image: X's image i at
   * {@code xs[xAt + i·st[0]]} (strides st), W [cout, C/groups, kh, kw] at {@code w[wAt]}, Y
   * contiguous from {@code y[yAt]}.
   */
  private void forward(
      float[] xs,
      int xAt,
      int[] st,
      ConvGeometry g,
      float[] w,
      int wAt,
      int groups,
      int cout,
      float[] y,
      int yAt) {
    int kg = g.rows() / groups;
    int l = g.outH() * g.outW(), wp = DirectConvKernels.paddedW(g), oh = g.outH(), ow = g.outW();
    int positions = oh * wp, stride = DirectConvForward.rowLength(g);
    int[] off = DirectConvKernels.rowOffsets(g, kg);
    int groupPlanes = kg / (g.kh() * g.kw()) * DirectConvKernels.paddedH(g) * wp;
    float[] panels = sixRowPanels(w, wAt, cout, kg);
    par.parallelRows(
        g.n(),
        (long) g.n() * cout * kg * l,
        (i0, i1) -> {
          float[] padded = SCRATCH.get(0, DirectConvForward.paddedSize(g));
          float[] rows = SCRATCH.get(1, ROWS * stride);
          for (int i = i0; i < i1; i++) {
            DirectConvForward.pad(xs, xAt + i * st[0], st, g, padded);
            for (int q = 0; q < groups; q++) {
              int base = q * groupPlanes;
              for (int j = 0; j < positions; j += 2 * L)
                rows6x2(padded, base + j, off, panels, q * ROWS * kg, kg, rows, j, stride);
              int at = yAt + (i * cout + q * ROWS) * l;
              for (int o = 0; o < ROWS; o++)
                for (int r = 0; r < oh; r++)
                  System.arraycopy(rows, o * stride + r * wp, y, at + (o * oh + r) * ow, ow);
            }
          }
        });
  }

  /**
   * The weights [cout, kg] (cout a multiple of six) in panels of six rows, {@code panels[(o /
   * 6)·6·kg + p·6 + o % 6] = W[o, p]}, so {@link #rows6x2} reads one p's six weights from one
   * moving index (see {@link DirectConvForward#panels}).
   */
  private static float[] sixRowPanels(float[] w, int at, int cout, int kg) {
    float[] panels = new float[cout * kg];
    for (int o = 0; o < cout; o++)
      for (int p = 0; p < kg; p++)
        panels[(o / ROWS) * ROWS * kg + p * ROWS + o % ROWS] = w[at + o * kg + p];
    return panels;
  }

  /**
   * Six output channels × 2L positions of the forward pass, weights from a six-row panel of {@link
   * #sixRowPanels} at {@code a[aAt]}: one fma chain over p each.
   */
  private static void rows6x2(
      float[] b, int bAt, int[] off, float[] a, int aAt, int k, float[] c, int cRow, int ldc) {
    FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
    FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
    FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00;
    for (int p = 0, ap = aAt; p < k; p++, ap += ROWS) {
      int pb = bAt + off[p];
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
   * ∂L/∂X when each group has six input channels (stride 1, no side padded past the kernel's
   * reach): the forward convolution of ∂L/∂Y with the kernel flipped and its channel axes swapped
   * ({@link DirectConvForward#inputGradientGeometry}), on this class's six-row forward; false
   * (nothing done) otherwise.
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
    float[] flipped =
        DirectConvForward.flippedTransposed(w, weight.offset(), groups, cog, cg, g.kh(), g.kw());
    int l = g.outH() * g.outW();
    int[] dyStrides = {cout * l, l, g.outW(), 1};
    ConvGeometry asForward = DirectConvForward.inputGradientGeometry(g, cout);
    forward(dy, gOut.offset(), dyStrides, asForward, flipped, 0, groups, g.c(), dx, gx.offset());
    return true;
  }
}
