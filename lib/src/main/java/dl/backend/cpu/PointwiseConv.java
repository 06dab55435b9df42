package dl.backend.cpu;

import dl.backend.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 1×1 convolution with stride s and no padding (ResNet's shortcuts, s = 2) is a stride-1 1×1
 * convolution of the subsampled image X_s[c, y, x] = X[c, s·y, s·x]:
 *
 * <pre>
 *   Y     = W · X_s                  (X_s: C × OH·OW, the whole unfolded matrix)
 *   ∂L/∂W = Σ_images ∂L/∂Y · X_sᵀ
 *   ∂L/∂X = Wᵀ · ∂L/∂Y at the positions (s·y, s·x), zero elsewhere
 * </pre>
 *
 * <p>So {@link ConvolutionKernels} gathers X_s once per image ({@link #subsample}) for the product
 * with W, spreads Wᵀ·∂L/∂Y back over the image ({@link #spread}), and computes each image's ∂L/∂W
 * term transposed, from ∂L/∂Y in place and X_sᵀ ({@link #weightGradient}). NOTE: the general path
 * unfolds and folds with the stride inside every loop, zeroes all of ∂L/∂X before folding into it,
 * and for ∂L/∂W copies the whole image (s² times X_s) and transposes ∂L/∂Y (C_out × OH·OW, twice
 * X_s for a shortcut); this one does the same products of the same numbers in the same order (fma
 * chains from zero over the same index, images summed in the same groups), so the results are the
 * same bits.
 */
final class PointwiseConv {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private PointwiseConv() {}

  /** Whether this path applies: a 1×1 kernel and no padding (any stride; dilation is moot). */
  static boolean applies(ConvGeometry g) {
    return g.kh() == 1
        && g.kw() == 1
        && g.padTop() == 0
        && g.padBottom() == 0
        && g.padLeft() == 0
        && g.padRight() == 0;
  }

  /**
   * One image's X_s (first element {@code x[base]}, strides {@code st}): {@code out[c·OH·OW + y·OW
   * + x] = X[c, s_h·y, s_w·x]}, the unfolded matrix of a 1×1 kernel without padding.
   */
  static void subsample(float[] x, int base, int[] st, ConvGeometry g, float[] out) {
    DirectConvKernels.padPlanes(
        x,
        base,
        st[1],
        g.strideH() * st[2],
        g.strideW() * st[3],
        g.c(),
        g.outH(),
        g.outW(),
        0,
        0,
        0,
        0,
        out);
  }

  /**
   * One image's ∂L/∂X (contiguous, from {@code dx[at]}) from its ∂L/∂X_s ({@code sub[c·OH·OW + y·OW
   * + x]}): dx[c, s_h·y, s_w·x] = 0 + sub[c, y, x], zero elsewhere.
   */
  static void spread(float[] sub, ConvGeometry g, float[] dx, int at) {
    int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW(), sh = g.strideH(), sw = g.strideW();
    for (int c = 0, from = 0; c < g.c(); c++) {
      for (int ih = 0; ih < h; ih++) {
        int row = at + (c * h + ih) * w;
        // NOTE: the row is zeroed, then every s-th element set, while it is in cache: no pass that
        // zeroes all of ∂L/∂X first. Writing each element once measured only 6% faster with a loop
        // for s = 2 alone, and slower for any s. 0 + v, as fold adds into zeros: −0 becomes +0.
        Arrays.fill(dx, row, row + w, 0f);
        if (ih % sh != 0) continue; // rows s_h·y only (y < OH: no padding)
        for (int x = 0, q = row; x < ow; x++, q += sw) dx[q] = 0f + sub[from + x];
        from += ow;
      }
    }
  }

  /** Where row o (output channel o of a group) of ∂L/∂Y starts: o·OH·OW, for cog rows. */
  static int[] rowOffsets(ConvGeometry g, int cog) {
    int[] off = new int[cog];
    for (int o = 0; o < cog; o++) off[o] = o * g.outH() * g.outW();
    return off;
  }

  /**
   * One image's term of ∂L/∂W, transposed (rows o, columns c): {@code into[at + (q·cog + o)·cw +
   * c]} is set to (or, when {@code add}, has added to it) Σ_t ∂L/∂Y[q·cog + o, t] · X_s[q·cg + c,
   * t], one fma chain over t = y·OW + x in order, for each group q, o &lt; cog, c &lt; cg; cw is cg
   * rounded up to whole vectors. The image is at {@code x[base]} (strides st), its ∂L/∂Y contiguous
   * from {@code dy[dyAt]}; {@code off} is {@link #rowOffsets}; {@code xsT} a buffer of OH·OW·cw.
   */
  static void weightGradient(
      float[] x,
      int base,
      int[] st,
      ConvGeometry g,
      int groups,
      float[] dy,
      int dyAt,
      int cout,
      int[] off,
      float[] xsT,
      float[] into,
      int at,
      boolean add) {
    int cg = g.c() / groups, cog = cout / groups, l = g.outH() * g.outW();
    int cw = DirectConvWeightGradient.paddedColumns(cg);
    for (int q = 0; q < groups; q++) {
      transposedSubsample(x, base + q * cg * st[1], st, g, cg, cw, xsT);
      int rows = dyAt + q * cog * l, to = at + q * cog * cw;
      // ∂L/∂Y's rows are read in place, each a contiguous run over t: one long row of OH·OW.
      if (cw == L)
        DirectConvWeightGradient.flatWeightGradient(dy, rows, off, cog, xsT, l, into, to, add);
      else
        DirectConvWeightGradient.weightGradient(
            dy, rows, off, cog, xsT, cw, 1, l, l, 1, into, to, add);
    }
  }

  /**
   * X_sᵀ of cg channels from {@code x[base]} (strides st): {@code out[t·cw + c] = X[c, s_h·y,
   * s_w·x]} for t = y·OW + x; the lanes past cg repeat channel cg − 1 (they only reach columns of
   * ∂L/∂W that are never read back).
   */
  private static void transposedSubsample(
      float[] x, int base, int[] st, ConvGeometry g, int cg, int cw, float[] out) {
    int[] channel = new int[cw];
    for (int c = 0; c < cw; c++) channel[c] = Math.min(c, cg - 1) * st[1];
    int oh = g.outH(), ow = g.outW(), down = g.strideH() * st[2], across = g.strideW() * st[3];
    for (int y = 0, t = 0; y < oh; y++)
      for (int xo = 0, from = base + y * down; xo < ow; xo++, t++, from += across)
        for (int v = 0; v < cw; v += L)
          FloatVector.fromArray(S, x, from, channel, v).intoArray(out, t * cw + v);
  }

  /**
   * ∂L/∂W from the partial sums {@code size} floats apart from {@code partial[0]}, laid out as
   * {@link #weightGradient} leaves them: dw[dwAt + r·cg + c] = ((partial 0 + partial {@code from})
   * + partial from+1) + … + partial sums−1, element r·cw + c, for rows r = q·cog + o in [r0, r1).
   */
  static void sumPartials(
      float[] partial,
      int from,
      int sums,
      int size,
      int cg,
      int cw,
      float[] dw,
      int dwAt,
      int r0,
      int r1) {
    for (int r = r0; r < r1; r++)
      for (int c = 0; c < cg; c++) {
        float sum = partial[r * cw + c];
        for (int s = from; s < sums; s++) sum += partial[s * size + r * cw + c];
        dw[dwAt + r * cg + c] = sum;
      }
  }
}
