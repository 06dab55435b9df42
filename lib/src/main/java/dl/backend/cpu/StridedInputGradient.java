package dl.backend.cpu;

import dl.backend.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * ∂L/∂X of a convolution with stride s ≥ 2, straight from ∂L/∂Y, without the C·kh·kw × OH·OW matrix
 * Wᵀ·∂L/∂Y that {@code fold} would scatter back. An input element at padded position u = ih + pt =
 * sh·m + a receives a term from kernel row ki only when ki·dh ≡ a (mod sh), from output row y = m −
 * ⌊ki·dh / sh⌋; the same across. So each polyphase component of ∂L/∂X (the elements with padded
 * position (sh·m + a, sw·n + b)) is a stride-1 correlation of ∂L/∂Y with the kernel offsets of that
 * parity, and is computed as {@link DirectConvKernels#inputGradient} computes stride 1: for each
 * offset one shift of ∂L/∂Y's zero-bordered planes, one {@code fma} chain over the output channels.
 *
 * <p>NOTE: fold adds each input element's terms over kernel offsets k in order, each term one chain
 * over the output channels o in order from zero (the product Wᵀ·∂L/∂Y). Here the element gets the
 * same chains for the same k, in the same order, also starting from zero; the offsets of the other
 * parities are the ones fold never adds to it. A window that falls outside ∂L/∂Y adds a chain of
 * fma(w, 0, ·) = +0, which changes no sum, for finite weights. So the bits are the same.
 */
final class StridedInputGradient {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private StridedInputGradient() {}

  /**
   * Whether it applies and pays: a stride above 1 on some axis, at least eight channels per group
   * (with fewer, every channel takes the one-row kernel, as in {@link
   * DirectConvKernels#inputGradientApplies}), and every phase reached by some kernel offset. Any
   * non-negative padding is fine. NOTE: a 1×1 kernel of stride 2 reaches one phase in four; the
   * others are zeros, and the product-and-fold path, which reads ∂L/∂Y in place and fills those
   * zeros at vector speed, measured faster there (this path: 0.5–0.7×, one thread).
   */
  static boolean applies(ConvGeometry g, int cg) {
    return cg >= 8
        && (g.strideH() > 1 || g.strideW() > 1)
        && DirectConvKernels.applies(g)
        && everyPhaseRead(g);
  }

  /** Whether every phase (a, b) has a kernel offset (ki·dh mod sh, kj·dw mod sw) = (a, b). */
  private static boolean everyPhaseRead(ConvGeometry g) {
    int[] slot = DirectConvForward.phaseSlots(g);
    return slot[g.strideH() * g.strideW()] == g.strideH() * g.strideW();
  }

  /** The geometry of one axis, in units of the phase grid (see {@link #inputGradient}). */
  private record Axis(int stride, int reach, int out, int[] first, int[] end, int planeSize) {
    /** Along an axis of {@code in} inputs with {@code pad} before them. */
    static Axis of(int stride, int kernel, int dilation, int pad, int in, int out) {
      int reach = dilation * (kernel - 1) / stride, most = out;
      int[] first = new int[stride], end = new int[stride];
      for (int a = 0; a < stride; a++) {
        // phase positions m with pad ≤ stride·m + a < pad + in
        first[a] = (pad - a + stride - 1) / stride;
        end[a] = Math.max(first[a], (pad + in - a + stride - 1) / stride);
        most = Math.max(most, end[a]);
      }
      return new Axis(stride, reach, out, first, end, reach + most);
    }

    int longest() {
      int most = 0;
      for (int a = 0; a < stride; a++) most = Math.max(most, end[a] - first[a]);
      return most;
    }
  }

  private static Axis rows(ConvGeometry g) {
    return Axis.of(g.strideH(), g.kh(), g.dilationH(), g.padTop(), g.h(), g.outH());
  }

  private static Axis columns(ConvGeometry g) {
    return Axis.of(g.strideW(), g.kw(), g.dilationW(), g.padLeft(), g.w(), g.outW());
  }

  /**
   * Floats from one ∂L/∂Y plane of {@link #inputGradient} to the next: Hd·Wd, and a cache line more
   * where that would be a multiple of 32 floats. NOTE: the fma chain reads the same position of
   * every output channel's plane; 16 × 16 planes (ResNet's 28 → 14 layer) would lie 1 KiB apart, so
   * those reads would fall into a few cache sets and evict each other.
   */
  private static int planeStride(Axis down, Axis across) {
    int size = down.planeSize() * across.planeSize();
    return size % 32 == 0 ? size + 16 : size;
  }

  /** Floats of one image's ∂L/∂Y planes as {@link #inputGradient} reads them, slack included. */
  static int planesSize(ConvGeometry g, int cog) {
    Axis down = rows(g), across = columns(g);
    return cog * planeStride(down, across) + across.planeSize() + 2 * L;
  }

  /**
   * Floats of {@link #inputGradient}'s result rows for one group of {@code cg} channels, every
   * phase's.
   */
  static int rowsSize(ConvGeometry g, int cg) {
    return g.strideH() * g.strideW() * cg * rowLength(rows(g), columns(g));
  }

  private static int rowLength(Axis down, Axis across) {
    int positions = down.longest() * across.planeSize();
    return (positions + 2 * L - 1) / (2 * L) * (2 * L);
  }

  /**
   * ∂L/∂X of one image and one group of channels, with the arguments of {@link
   * DirectConvKernels#inputGradient}: ∂L/∂X[c, ih, iw] = Σ_k Σ_o W[o, c, k] · ∂L/∂Y[o, y, x] over
   * the kernel offsets k = (ki, kj) in order for which sh·y = ih + pt − ki·dh and sw·x = iw + pl −
   * kj·dw have a solution, each inner sum one fma chain over o in order from zero.
   *
   * <p>∂L/∂Y's planes are copied into {@code planes} (size {@link #planesSize}, {@link
   * #planeStride} apart) with Rh = ⌊dh·(kh − 1) / sh⌋ zero rows above (Rw columns to the left) and
   * zeros below and to the right up to Hd × Wd, so that output row y = m − ⌊ki·dh / sh⌋ of phase
   * position m is plane row m + Rh − ⌊ki·dh / sh⌋, never negative. Phase (a, b)'s positions m ∈
   * [m0, m1), n ∈ [n0, n1) are computed at flat positions (m − m0)·Wd + (n − n0) of its own part of
   * {@code rows} (size {@link #rowsSize}), the columns n ≥ n1 discarded; once every phase is done,
   * each row of ∂L/∂X is written left to right, element (ih, iw) from the phase (a, b) and position
   * (m, n) with sh·m + a = ih + pt, sw·n + b = iw + pl.
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
    Axis down = rows(g), across = columns(g);
    int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw();
    int wd = across.planeSize(), planeD = planeStride(down, across);
    int top = down.reach(), left = across.reach();
    Arrays.fill(planes, 0, cog * planeD, 0f);
    for (int o = 0; o < cog; o++)
      for (int y = 0; y < oh; y++)
        System.arraycopy(
            dy, dyAt + (o * oh + y) * ow, planes, o * planeD + (top + y) * wd + left, ow);
    // The last vector block reads up to 2L floats past the last plane's positions.
    Arrays.fill(planes, cog * planeD, planesSize(g, cog), 0f);
    int stride = rowLength(down, across), sh = g.strideH(), sw = g.strideW();
    int phaseSize = cg * stride;
    int[] ks = new int[kh * kw], shift = new int[kh * kw];
    for (int a = 0; a < sh; a++) {
      int m0 = down.first()[a], m1 = down.end()[a];
      for (int b = 0; b < sw; b++) {
        int n0 = across.first()[b], n1 = across.end()[b];
        if (m0 == m1 || n0 == n1) continue;
        // This phase's kernel offsets, in order, and where each reads the planes.
        int count = 0;
        for (int ki = 0; ki < kh; ki++)
          for (int kj = 0; kj < kw; kj++) {
            int ri = ki * g.dilationH(), rj = kj * g.dilationW();
            if (ri % sh != a || rj % sw != b) continue;
            ks[count] = ki * kw + kj;
            shift[count++] = (m0 + down.reach() - ri / sh) * wd + n0 + across.reach() - rj / sw;
          }
        int positions = (m1 - m0) * wd, phaseAt = (a * sw + b) * phaseSize;
        Arrays.fill(rows, phaseAt, phaseAt + phaseSize, 0f);
        int c = 0;
        for (; c + 7 < cg; c += 8)
          for (int j = 0; j < positions; j += 2 * L)
            for (int t = 0; t < count; t++)
              DirectConvKernels.chain8x2(
                  planes,
                  j + shift[t],
                  planeD,
                  wk,
                  wkAt + ks[t] * cog * cg + c,
                  cg,
                  cog,
                  rows,
                  phaseAt + c * stride + j,
                  stride);
        for (; c < cg; c++)
          for (int j = 0; j < positions; j += 2 * L)
            for (int t = 0; t < count; t++)
              DirectConvKernels.chain1x2(
                  planes,
                  j + shift[t],
                  planeD,
                  wk,
                  wkAt + ks[t] * cog * cg + c,
                  cg,
                  cog,
                  rows,
                  phaseAt + c * stride + j);
      }
    }
    // NOTE: row by row rather than phase by phase: each phase's elements lie sw apart in a row
    // and sh rows apart, and writing them so took a tenth of a stride-2 layer's whole
    // forward-and-backward time (JFR, ResNet-8's 16 → 32 layer).
    int[] from = new int[sh * w]; // for phase row a, where column iw's value lies in rows
    for (int a = 0; a < sh; a++)
      for (int iw = 0; iw < w; iw++) {
        int b = (iw + g.padLeft()) % sw, n = (iw + g.padLeft()) / sw;
        from[a * w + iw] = (a * sw + b) * phaseSize + n - across.first()[b];
      }
    for (int c = 0; c < cg; c++)
      for (int ih = 0; ih < h; ih++) {
        int a = (ih + g.padTop()) % sh, m = (ih + g.padTop()) / sh;
        int row = c * stride + (m - down.first()[a]) * wd, to = dxAt + (c * h + ih) * w;
        int iw = 0, f = a * w;
        for (; iw + L <= w; iw += L)
          FloatVector.fromArray(S, rows, row, from, f + iw).intoArray(dx, to + iw);
        for (; iw < w; iw++) dx[to + iw] = rows[row + from[f + iw]];
      }
  }
}
