package dl.backend.cpu;

import dl.backend.ConvGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward pass Y = W · unfold(X) of a convolution, one image at a time, reading the unfolded
 * matrix where it lies in the image's zero-padded planes instead of building it. With stride 1, row
 * p = (c, ki, kj) of the unfolded matrix is a shift of the planes ({@link DirectConvKernels#pad}):
 * its element at output position (y, x) is {@code padded[offset(p) + y·Wp + x]}, so a vector of
 * consecutive x is one load. Outputs are computed at flat positions y·Wp + x (the columns x ≥ OW
 * are discarded) and then copied into Y.
 *
 * <p>With stride s (sh down, sw across) the padded plane is first split into its sh·sw polyphase
 * planes, phase (a, b) holding the padded elements (sh·i + a, sw·j + b) at (i, j). Row p's element
 * (y, x) is the padded element (sh·y + ri, sw·x + rj), ri = ki·dh and rj = kj·dw: phase (ri mod sh,
 * rj mod sw) at (y + ⌊ri/sh⌋, x + ⌊rj/sw⌋), again a shift, now of a phase plane Wq = ⌈Wp/sw⌉ wide.
 * Only the phases some kernel offset reads are stored (one of two for a kernel of height 1 and
 * stride 2 down). Stride 1 is the case of one phase, the padded plane itself.
 *
 * <p>NOTE: the unfold this replaces copied C·kh·kw × OH·OW floats per image (kh·kw / (sh·sw) times
 * the image) before the product read them again. Each output element is the same {@code fma} chain
 * over p = 0, 1, …, C·kh·kw − 1 in order, from zero, with the same factors (padding reads a zero,
 * as the unfolded matrix holds one), as in {@link SimdGemm#multiplyNN}: the same bits.
 *
 * <p>The same kernel computes ∂L/∂X of a stride-1 convolution ({@link #inputGradientGeometry}):
 * that is the forward convolution of ∂L/∂Y with the kernel flipped and its channel axes swapped.
 */
final class DirectConvForward {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private DirectConvForward() {}

  /**
   * Whether it applies and pays: no negative padding, output channels in groups of eight, and for a
   * stride above 1 a kernel larger than 1×1. NOTE: a strided 1×1 kernel's unfolded matrix is its
   * one phase, no larger than the image, so unfold and product copy nothing twice; this path, which
   * copies its results out of row buffers, measured 0.9–1.0× there.
   */
  static boolean applies(ConvGeometry g, int cog) {
    boolean strided = g.strideH() > 1 || g.strideW() > 1;
    return cog % 8 == 0 && DirectConvKernels.applies(g) && (!strided || g.kh() * g.kw() > 1);
  }

  // ------------------------------------------------- ∂L/∂X of a stride-1 convolution, as a forward

  /**
   * Whether {@link #inputGradientGeometry} applies: stride 1, no side padded by more than the
   * kernel's reach d·(k − 1), and input channels per group in groups of eight.
   */
  static boolean inputGradientApplies(ConvGeometry g, int cg) {
    int reachH = g.dilationH() * (g.kh() - 1), reachW = g.dilationW() * (g.kw() - 1);
    return cg % 8 == 0
        && g.strideH() == 1
        && g.strideW() == 1
        && DirectConvKernels.applies(g)
        && g.padTop() <= reachH
        && g.padBottom() <= reachH
        && g.padLeft() <= reachW
        && g.padRight() <= reachW;
  }

  /**
   * For stride 1, ∂L/∂X[c, ih, iw] = Σ_o Σ_(ki,kj) W[o, c, ki, kj] · ∂L/∂Y[o, ih + pt − ki·dh, iw +
   * pl − kj·dw]: the stride-1 convolution of ∂L/∂Y, padded by d·(k − 1) − p on each side, with the
   * kernel flipped (ki → kh − 1 − ki) and its two channel axes swapped ({@link
   * #flippedTransposed}). This is that convolution's geometry: its input is ∂L/∂Y (all C_out
   * channels), its output H × W.
   */
  static ConvGeometry inputGradientGeometry(ConvGeometry g, int cout) {
    int reachH = g.dilationH() * (g.kh() - 1), reachW = g.dilationW() * (g.kw() - 1);
    return new ConvGeometry(
        g.n(),
        cout,
        g.outH(),
        g.outW(),
        g.kh(),
        g.kw(),
        1,
        1,
        reachH - g.padTop(),
        reachH - g.padBottom(),
        reachW - g.padLeft(),
        reachW - g.padRight(),
        g.dilationH(),
        g.dilationW());
  }

  /**
   * The weight [C_out, C/groups, kh, kw] (from {@code w[at]}) as the kernel of {@link
   * #inputGradientGeometry}: [C, C_out/groups, kh, kw], W'[q·cg + c, o, ki, kj] = W[q·cog + o, c,
   * kh − 1 − ki, kw − 1 − kj].
   */
  static float[] flippedTransposed(float[] w, int at, int groups, int cog, int cg, int kh, int kw) {
    int khw = kh * kw;
    float[] flipped = new float[groups * cg * cog * khw];
    for (int q = 0; q < groups; q++)
      for (int c = 0; c < cg; c++)
        for (int o = 0; o < cog; o++)
          for (int k = 0; k < khw; k++)
            flipped[((q * cg + c) * cog + o) * khw + k] =
                w[at + ((q * cog + o) * cg + c) * khw + (khw - 1 - k)];
    return flipped;
  }

  /** Rows of a phase plane: ⌈Hp / sh⌉. */
  static int phaseH(ConvGeometry g) {
    return (DirectConvKernels.paddedH(g) + g.strideH() - 1) / g.strideH();
  }

  /** Columns of a phase plane: ⌈Wp / sw⌉. */
  static int phaseW(ConvGeometry g) {
    return (DirectConvKernels.paddedW(g) + g.strideW() - 1) / g.strideW();
  }

  /**
   * Where phase (a, b) is stored among a channel's planes ({@code slot[a·sw + b]}), or −1 where no
   * kernel offset reads it; {@code slot[sh·sw]} is the number of phases stored.
   */
  static int[] phaseSlots(ConvGeometry g) {
    int sh = g.strideH(), sw = g.strideW();
    int[] slot = new int[sh * sw + 1];
    for (int ki = 0; ki < g.kh(); ki++)
      for (int kj = 0; kj < g.kw(); kj++)
        slot[ki * g.dilationH() % sh * sw + kj * g.dilationW() % sw] = 1;
    int stored = 0;
    for (int ph = 0; ph < sh * sw; ph++) slot[ph] = slot[ph] == 1 ? stored++ : -1;
    slot[sh * sw] = stored;
    return slot;
  }

  /** Floats of one channel's stored phase planes. */
  static int channelSize(ConvGeometry g) {
    return phaseSlots(g)[g.strideH() * g.strideW()] * phaseH(g) * phaseW(g);
  }

  /** Floats of the phase planes with the slack the last vector block reads past them. */
  static int paddedSize(ConvGeometry g) {
    return g.c() * channelSize(g) + phaseW(g) + 2 * L;
  }

  /** Distance between output channels in {@link #forward}'s result rows. */
  static int rowLength(ConvGeometry g) {
    int positions = g.outH() * phaseW(g);
    return (positions + 2 * L - 1) / (2 * L) * (2 * L);
  }

  /**
   * Where row p = (c, ki, kj) of the unfolded matrix starts in {@link #pad}'s planes, for the
   * {@code rows} = C·kh·kw rows of one group of channels.
   */
  static int[] rowOffsets(ConvGeometry g, int rows) {
    if (g.strideH() == 1 && g.strideW() == 1) return DirectConvKernels.rowOffsets(g, rows);
    int sh = g.strideH(), sw = g.strideW(), hq = phaseH(g), wq = phaseW(g);
    int[] slot = phaseSlots(g);
    int khw = g.kh() * g.kw(), channel = channelSize(g);
    int[] off = new int[rows];
    for (int p = 0; p < rows; p++) {
      int c = p / khw, ri = (p / g.kw()) % g.kh() * g.dilationH(), rj = p % g.kw() * g.dilationW();
      off[p] = c * channel + slot[ri % sh * sw + rj % sw] * hq * wq + ri / sh * wq + rj / sw;
    }
    return off;
  }

  /** Copies one image into {@code padded} (size {@link #paddedSize}), slack zeroed. */
  static void pad(float[] x, int base, int[] st, ConvGeometry g, float[] padded) {
    if (g.strideH() == 1 && g.strideW() == 1) DirectConvKernels.pad(x, base, st, g, padded);
    else padPhases(x, base, st, g, padded);
    int planes = g.c() * channelSize(g);
    java.util.Arrays.fill(padded, planes, paddedSize(g), 0f);
  }

  /**
   * The stored phase planes of one image: {@code out[c·channelSize + slot(a, b)·Hq·Wq + i·Wq + j]}
   * is the padded element (sh·i + a, sw·j + b) of channel c, that is x[c, sh·i + a − top, sw·j + b
   * − left] or zero outside the image.
   */
  private static void padPhases(float[] x, int base, int[] st, ConvGeometry g, float[] out) {
    int sh = g.strideH(), sw = g.strideW(), hq = phaseH(g), wq = phaseW(g);
    int h = g.h(), w = g.w(), top = g.padTop(), left = g.padLeft(), channel = channelSize(g);
    int[] slot = phaseSlots(g);
    // One phase's columns of an input row are sw·st[3] apart: one gather takes L of them.
    int step = sw * st[3];
    int[] columns = new int[L];
    for (int k = 0; k < L; k++) columns[k] = k * step;
    for (int c = 0; c < g.c(); c++)
      for (int a = 0; a < sh; a++)
        for (int b = 0; b < sw; b++) {
          if (slot[a * sw + b] < 0) continue;
          int plane = c * channel + slot[a * sw + b] * hq * wq;
          // Columns j ∈ [lo, hi) of this phase lie inside the image: 0 ≤ sw·j + b − left < w.
          int lo = Math.min(wq, Math.max(0, (left - b + sw - 1) / sw));
          int hi = Math.max(lo, Math.min(wq, Math.floorDiv(w - 1 + left - b, sw) + 1));
          for (int i = 0; i < hq; i++) {
            int at = plane + i * wq, ih = sh * i + a - top;
            if (ih < 0 || ih >= h) {
              java.util.Arrays.fill(out, at, at + wq, 0f);
              continue;
            }
            for (int j = 0; j < lo; j++) out[at + j] = 0f;
            int from = base + c * st[1] + ih * st[2], j = lo;
            int q = from + (sw * lo + b - left) * st[3], last = x.length - (L - 1) * step;
            // A gather of L columns may write past hi: the zeros below, or the next row or plane
            // (written after this one, in memory order), or the slack after the planes overwrite
            // those floats.
            for (; j < hi && q < last; j += L, q += L * step)
              FloatVector.fromArray(S, x, q, columns, 0).intoArray(out, at + j);
            for (; j < hi; j++, q += step) out[at + j] = x[q];
            for (j = hi; j < wq; j++) out[at + j] = 0f;
          }
        }
  }

  /**
   * Whether {@link #forward} runs {@link #sevenByTwo}, with vectors along the output channels: for
   * a group of 2L output channels or a multiple, output rows a multiple of seven wide, and where
   * the row kernel would waste more than a fifth of its work.
   *
   * <p>NOTE: the row kernel computes every position of a padded row, x ∈ [0, Wq), in blocks of 2L:
   * for the 7×7 outputs of ResNet-8's last stage that is 64 positions for 49 outputs. MNIST-sized
   * planes (28, 14, 7) are multiples of seven, so blocks of seven outputs along a row compute
   * nothing twice. But their results must then be transposed into Y, which pays only where much is
   * saved: at 14×14 (16 columns for 14) the row kernel stayed faster.
   */
  static boolean byChannels(ConvGeometry g, int cog) {
    int outputs = g.outH() * g.outW();
    return cog % (2 * L) == 0 && g.outW() % SEVEN == 0 && 5 * rowLength(g) > 6 * outputs;
  }

  private static final int SEVEN = 7;

  /**
   * One group's outputs for one image: Y[o, y, x] = Σ_p W[o, p] · padded[base + off[p] + y·Wq + x]
   * for the group's cog output channels (weights in {@link #panels} from {@code w[wAt]}), into
   * {@code y[yAt + o·OH·OW + y·OW + x]}; {@code rows} holds cog × {@link #rowLength} floats of
   * scratch.
   */
  static void forward(
      ConvGeometry g,
      float[] padded,
      int base,
      int[] off,
      float[] w,
      int wAt,
      int kg,
      int cog,
      float[] rows,
      float[] y,
      int yAt) {
    int wq = phaseW(g), oh = g.outH(), ow = g.outW();
    if (byChannels(g, cog)) {
      // Positions by channels first, rows[(y·OW + x)·cog + o], then transposed into Y.
      int l = oh * ow;
      for (int o = 0; o < cog; o += 2 * L)
        for (int r = 0; r < oh; r++)
          for (int x = 0; x < ow; x += SEVEN)
            sevenByTwo(
                padded,
                base + r * wq + x,
                off,
                w,
                wAt + o,
                kg,
                cog,
                rows,
                (r * ow + x) * cog + o,
                cog);
      transpose(rows, l, cog, y, yAt);
      return;
    }
    int positions = oh * wq, stride = rowLength(g);
    for (int o = 0; o < cog; o += 8)
      for (int j = 0; j < positions; j += 2 * L)
        rows8x2(padded, base + j, off, w, wAt + o * kg, kg, rows, o * stride + j, stride);
    for (int o = 0; o < cog; o++)
      for (int r = 0; r < oh; r++)
        System.arraycopy(rows, o * stride + r * wq, y, yAt + (o * oh + r) * ow, ow);
  }

  /**
   * The weights [cout, kg] (row o at {@code w[at + o·kg]}, cout a multiple of 8) as {@link
   * #forward} reads them for groups of cog output channels. For {@link #rows8x2}, panels of eight
   * rows: {@code panels[(o / 8)·8·kg + p·8 + o % 8] = W[o, p]}. For {@link #sevenByTwo} ({@link
   * #byChannels}), each group's weights transposed: {@code panels[q·cog·kg + p·cog + o] = W[q·cog +
   * o, p]}.
   *
   * <p>NOTE: with the eight rows' weights for one p side by side, the kernel reads them from one
   * moving index. Reading eight separate rows needs eight live row indices, which the JIT could
   * only keep by spilling them to vector registers and the stack inside the loop, and those moves
   * compete with the fma units for the same ports.
   */
  static float[] panels(ConvGeometry g, float[] w, int at, int cout, int cog, int kg) {
    float[] panels = new float[cout * kg];
    boolean transposed = byChannels(g, cog);
    for (int o = 0; o < cout; o++)
      for (int p = 0; p < kg; p++)
        panels[
                transposed
                    ? (o / cog) * cog * kg + p * cog + o % cog
                    : (o / 8) * 8 * kg + p * 8 + o % 8] =
            w[at + o * kg + p];
    return panels;
  }

  /**
   * Eight output channels × 2L positions: the register block of {@code SimdGemm.blockNN8}, weights
   * from an eight-row panel of {@link #panels} at {@code a[aAt]}.
   */
  private static void rows8x2(
      float[] b, int bAt, int[] off, float[] a, int aAt, int k, float[] c, int cRow, int ldc) {
    FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
    FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
    FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00;
    FloatVector s60 = s00, s61 = s00, s70 = s00, s71 = s00;
    for (int p = 0, ap = aAt; p < k; p++, ap += 8) {
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
   * Seven consecutive outputs of a row × 2L output channels, vectors along the channels: {@code
   * out[at + t·step + c]} = Σ_p W[o + c, p] · b[bAt + off[p] + t] for t < 7 and c < 2L, with W's
   * rows for p at {@code w[wAt + p·ld]} ({@link #panels}, transposed). Each element is the same
   * {@code fma} chain over p in order from zero as in {@link #rows8x2}: the same bits.
   */
  private static void sevenByTwo(
      float[] b,
      int bAt,
      int[] off,
      float[] w,
      int wAt,
      int k,
      int ld,
      float[] out,
      int at,
      int step) {
    FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00;
    FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
    FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00;
    FloatVector s60 = s00, s61 = s00;
    for (int p = 0, wp = wAt; p < k; p++, wp += ld) {
      int pb = bAt + off[p];
      FloatVector w0 = FloatVector.fromArray(S, w, wp);
      FloatVector w1 = FloatVector.fromArray(S, w, wp + L);
      FloatVector e = FloatVector.broadcast(S, b[pb]);
      s00 = e.fma(w0, s00);
      s01 = e.fma(w1, s01);
      e = FloatVector.broadcast(S, b[pb + 1]);
      s10 = e.fma(w0, s10);
      s11 = e.fma(w1, s11);
      e = FloatVector.broadcast(S, b[pb + 2]);
      s20 = e.fma(w0, s20);
      s21 = e.fma(w1, s21);
      e = FloatVector.broadcast(S, b[pb + 3]);
      s30 = e.fma(w0, s30);
      s31 = e.fma(w1, s31);
      e = FloatVector.broadcast(S, b[pb + 4]);
      s40 = e.fma(w0, s40);
      s41 = e.fma(w1, s41);
      e = FloatVector.broadcast(S, b[pb + 5]);
      s50 = e.fma(w0, s50);
      s51 = e.fma(w1, s51);
      e = FloatVector.broadcast(S, b[pb + 6]);
      s60 = e.fma(w0, s60);
      s61 = e.fma(w1, s61);
    }
    s00.intoArray(out, at);
    s01.intoArray(out, at + L);
    s10.intoArray(out, at + 1 * step);
    s11.intoArray(out, at + 1 * step + L);
    s20.intoArray(out, at + 2 * step);
    s21.intoArray(out, at + 2 * step + L);
    s30.intoArray(out, at + 3 * step);
    s31.intoArray(out, at + 3 * step + L);
    s40.intoArray(out, at + 4 * step);
    s41.intoArray(out, at + 4 * step + L);
    s50.intoArray(out, at + 5 * step);
    s51.intoArray(out, at + 5 * step + L);
    s60.intoArray(out, at + 6 * step);
    s61.intoArray(out, at + 6 * step + L);
  }

  /**
   * {@code y[yAt + o·l + t] = rows[t·cog + o]} for o < cog, t < l: positions-by-channels into
   * channels-by-positions, a vector of positions per gather.
   */
  private static void transpose(float[] rows, int l, int cog, float[] y, int yAt) {
    int[] column = new int[L];
    for (int i = 0; i < L; i++) column[i] = i * cog;
    int whole = l / L * L;
    for (int o = 0; o < cog; o++) {
      int t = 0, at = yAt + o * l;
      for (; t < whole; t += L)
        FloatVector.fromArray(S, rows, t * cog + o, column, 0).intoArray(y, at + t);
      for (; t < l; t++) y[at + t] = rows[t * cog + o];
    }
  }
}
