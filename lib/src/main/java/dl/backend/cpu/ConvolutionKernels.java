package dl.backend.cpu;

import dl.DType;
import dl.backend.ConvGeometry;
import dl.backend.View;
import java.util.Arrays;

/**
 * The fused image-by-image convolution, forward and backward, that the CPU backend offers in place
 * of unfold + matrix product ({@link WindowKernels}). It computes exactly what {@code
 * dl.autograd.ops.Convolution} states over unfold/fold/matmul, with the same kernels in the same
 * order, so results are equal bit for bit (the tests pin it). Where it pays, it skips the unfolded
 * matrix altogether and reads the padded image in place ({@link DirectConvForward}, {@link
 * DirectConvKernels}), or, for a 1×1 kernel without padding, the subsampled image ({@link
 * PointwiseConv}), with the same order of terms.
 */
final class ConvolutionKernels {
  private final Parallel par;
  private final boolean simd;

  ConvolutionKernels(Parallel par, boolean simd) {
    this.par = par;
    this.simd = simd;
  }

  // ---------------------------------------------------------------- convolution, one image at a
  // time
  // NOTE: the batch-wide default unfolds all N images into one matrix (N·OH·OW columns, tens of
  // megabytes for a ResNet layer) and then reads it back, from memory, for the product. One image's
  // windows fit in the core's cache, so each thread unfolds an image into a scratch buffer it keeps
  // and multiplies it right away. The products are the same kernel with the same order of terms,
  // so forward and input-gradient results equal the batch-wide ones bit for bit.

  /** Images per partial sum of a weight gradient: a constant, so sums never depend on threads. */
  private static final int IMAGES_PER_SUM = 4;

  private static final int COLUMNS = 0, PANEL = 1;
  private static final ThreadBuffers SCRATCH = new ThreadBuffers(2);

  /** The fused convolution takes float32 with SIMD only. */
  boolean offersConvolution(DType dtype) {
    return simd && dtype == DType.FLOAT32;
  }

  private boolean perImage(View... views) {
    if (!simd) return false;
    for (View v : views) {
      if (v == null) continue;
      if (HostBuffer.of(v).f == null) return false;
    }
    return true;
  }

  /**
   * The fused forward pass, Y = W · unfold(X) image by image; false (nothing done) when it does not
   * apply (float64, no SIMD, non-contiguous operands), and the caller computes it plainly.
   */
  boolean conv2d(View x, View weight, ConvGeometry g, int groups, View out) {
    if (!perImage(x, weight, out) || !weight.isContiguous() || !out.isContiguous()) return false;
    float[] xs = HostBuffer.of(x).f, w = HostBuffer.of(weight).f, y = HostBuffer.of(out).f;
    int cout = weight.shape()[0], cog = cout / groups, kg = g.rows() / groups;
    int l = g.outH() * g.outW(), blocks = (l + SimdGemm.width() - 1) / SimdGemm.width();
    int[] st = x.strides();
    if (DirectConvForward.applies(g, cog)) {
      // The product reads the unfolded matrix in place from the padded image (its phase planes).
      directForward(xs, x.offset(), st, g, w, weight.offset(), groups, cout, y, out.offset());
      return true;
    }
    // The weights in the product kernel's panels once, not once per image.
    float[][] wPanels = new float[groups][];
    for (int q = 0; q < groups; q++)
      wPanels[q] =
          SimdGemm.rowPanels(
              new SimdGemm.Matrix(w, weight.offset() + q * cog * kg, kg), kg, 0, cog);
    boolean pointwise = PointwiseConv.applies(g);
    par.parallelRows(
        g.n(),
        (long) g.n() * cout * kg * l,
        (i0, i1) -> {
          float[] cols = SCRATCH.get(COLUMNS, g.rows() * l),
              panel = SCRATCH.get(PANEL, kg * SimdGemm.width());
          for (int i = i0; i < i1; i++) {
            // A 1×1 kernel without padding: the unfolded matrix is the subsampled image.
            if (pointwise) PointwiseConv.subsample(xs, x.offset() + i * st[0], st, g, cols);
            else
              WindowKernels.unfoldImage(xs, x.offset() + i * st[0], st, g, 0, g.rows(), cols, 0, l);
            // Y_q = W_q · cols_q, written straight into the image's output channels
            for (int q = 0; q < groups; q++)
              SimdGemm.multiplyNN(
                  new SimdGemm.Matrix(w, weight.offset() + q * cog * kg, kg),
                  wPanels[q],
                  new SimdGemm.Matrix(cols, q * kg * l, l),
                  new SimdGemm.Matrix(y, out.offset() + (i * cout + q * cog) * l, l),
                  kg,
                  l,
                  0,
                  cog,
                  0,
                  blocks,
                  panel);
          }
        });
    return true;
  }

  /**
   * Y = W · unfold(X) read in place ({@link DirectConvForward}), image by image: X's image i at
   * {@code xs[xAt + i·st[0]]} (strides st), W [cout, C/groups, kh, kw] at {@code w[wAt]}
   * (contiguous), Y contiguous from {@code y[yAt]}.
   */
  private void directForward(
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
    int cog = cout / groups, kg = g.rows() / groups, l = g.outH() * g.outW();
    int[] off = DirectConvForward.rowOffsets(g, kg);
    int groupPlanes = kg / (g.kh() * g.kw()) * DirectConvForward.channelSize(g);
    float[] panels = DirectConvForward.panels(g, w, wAt, cout, cog, kg);
    par.parallelRows(
        g.n(),
        (long) g.n() * cout * kg * l,
        (i0, i1) -> {
          float[] padded = SCRATCH.get(COLUMNS, DirectConvForward.paddedSize(g));
          float[] rows = SCRATCH.get(PANEL, cog * DirectConvForward.rowLength(g));
          for (int i = i0; i < i1; i++) {
            DirectConvForward.pad(xs, xAt + i * st[0], st, g, padded);
            for (int q = 0; q < groups; q++)
              DirectConvForward.forward(
                  g,
                  padded,
                  q * groupPlanes,
                  off,
                  panels,
                  q * cog * kg,
                  kg,
                  cog,
                  rows,
                  y,
                  yAt + (i * cout + q * cog) * l);
          }
        });
  }

  /**
   * The fused backward pass, ∂L/∂X = fold(Wᵀ · ∂L/∂Y) and ∂L/∂W = Σ ∂L/∂Y · unfold(X)ᵀ image by
   * image; false (nothing done) when it does not apply, as for {@link #conv2d}.
   */
  boolean conv2dBackward(
      View gOut, View x, View weight, ConvGeometry g, int groups, View gx, View gw) {
    if (!perImage(gOut, x, weight, gx, gw)
        || !DirectConvKernels.applies(g)
        || !gOut.isContiguous()
        || !weight.isContiguous()
        || (gx != null && !gx.isContiguous())
        || (gw != null && !gw.isContiguous())) {
      return false;
    }
    float[] dy = HostBuffer.of(gOut).f, w = HostBuffer.of(weight).f;
    int n = g.n(), cout = weight.shape()[0], cog = cout / groups, kg = g.rows() / groups;
    int l = g.outH() * g.outW(), chw = g.c() * g.h() * g.w(), width = SimdGemm.width();
    long work = (long) n * cout * kg * l;
    if (gx != null) {
      float[] dx = HostBuffer.of(gx).f;
      int cg = g.c() / groups;
      if (DirectConvForward.inputGradientApplies(g, cg)) {
        // Stride 1: ∂L/∂X is the forward convolution of ∂L/∂Y with the flipped, transposed kernel.
        float[] flipped =
            DirectConvForward.flippedTransposed(
                w, weight.offset(), groups, cog, cg, g.kh(), g.kw());
        int[] dyStrides = {cout * l, l, g.outW(), 1};
        directForward(
            dy,
            gOut.offset(),
            dyStrides,
            DirectConvForward.inputGradientGeometry(g, cout),
            flipped,
            0,
            groups,
            g.c(),
            dx,
            gx.offset());
      } else if (DirectConvKernels.inputGradientApplies(g, cg)
          || StridedInputGradient.applies(g, cg)) {
        // ∂L/∂X straight from ∂L/∂Y, kernel offset by kernel offset, without the matrix fold would
        // scatter back: with stride 1 over the whole image, with larger strides one polyphase
        // component of ∂L/∂X at a time.
        boolean whole = DirectConvKernels.inputGradientApplies(g, cg);
        int cgHW = cg * g.h() * g.w(), khw = g.kh() * g.kw();
        float[] wk = DirectConvKernels.weightsByOffset(w, weight.offset(), groups, cog, cg, khw);
        int planesSize =
            whole
                ? DirectConvKernels.gradPlanesSize(g, cog)
                : StridedInputGradient.planesSize(g, cog);
        int rowsSize =
            whole ? DirectConvKernels.gradRowsSize(g, cg) : StridedInputGradient.rowsSize(g, cg);
        par.parallelRows(
            n,
            work,
            (i0, i1) -> {
              float[] planes = SCRATCH.get(COLUMNS, planesSize),
                  rows = SCRATCH.get(PANEL, rowsSize);
              for (int i = i0; i < i1; i++)
                for (int q = 0; q < groups; q++) {
                  int dyAt = gOut.offset() + (i * cout + q * cog) * l, wkAt = q * khw * cog * cg;
                  int dxAt = gx.offset() + i * chw + q * cgHW;
                  if (whole)
                    DirectConvKernels.inputGradient(
                        g, dy, dyAt, cog, wk, wkAt, cg, planes, rows, dx, dxAt);
                  else
                    StridedInputGradient.inputGradient(
                        g, dy, dyAt, cog, wk, wkAt, cg, planes, rows, dx, dxAt);
                }
            });
      } else {
        // ∂L/∂X_i = col2im(W_qᵀ · ∂L/∂Y_i,q): Wᵀ is copied once, row-major, for the product.
        float[] wT = new float[groups * kg * cog];
        for (int q = 0; q < groups; q++)
          for (int o = 0; o < cog; o++)
            for (int p = 0; p < kg; p++)
              wT[(q * kg + p) * cog + o] = w[weight.offset() + (q * cog + o) * kg + p];
        int blocks = (l + width - 1) / width;
        boolean pointwise = PointwiseConv.applies(g); // fold is then a spread (PointwiseConv)
        float[][] wTPanels = new float[groups][];
        for (int q = 0; q < groups; q++)
          wTPanels[q] = SimdGemm.rowPanels(new SimdGemm.Matrix(wT, q * kg * cog, cog), cog, 0, kg);
        par.parallelRows(
            n,
            work,
            (i0, i1) -> {
              float[] gCols = SCRATCH.get(COLUMNS, g.rows() * l),
                  panel = SCRATCH.get(PANEL, cog * width);
              for (int i = i0; i < i1; i++) {
                for (int q = 0; q < groups; q++)
                  SimdGemm.multiplyNN(
                      new SimdGemm.Matrix(wT, q * kg * cog, cog),
                      wTPanels[q],
                      new SimdGemm.Matrix(dy, gOut.offset() + (i * cout + q * cog) * l, l),
                      new SimdGemm.Matrix(gCols, q * kg * l, l),
                      cog,
                      l,
                      0,
                      kg,
                      0,
                      blocks,
                      panel);
                int image = gx.offset() + i * chw;
                if (pointwise) {
                  PointwiseConv.spread(gCols, g, dx, image); // no pass that zeroes all of ∂L/∂X
                } else {
                  Arrays.fill(dx, image, image + chw, 0f);
                  WindowKernels.foldImage(gCols, 0, l, g, 0, g.c(), dx, image);
                }
              }
            });
      }
    }
    if (gw != null) {
      // ∂L/∂W_q = Σ_i ∂L/∂Y_i,q · cols_i,qᵀ, summed image by image within fixed groups of
      // IMAGES_PER_SUM, then over the groups in order. Each image's product is computed transposed
      // (rows p, columns o; see DirectConvKernels) straight from its zero-padded planes. The
      // thread given the first groups keeps their running total in partial 0 (group 1, 2, …
      // computed in partial 1 and added as it is done); every other group has its own partial,
      // added to the total in order at the end.
      // A 1×1 kernel without padding (PointwiseConv): each image's term transposed, rows o and
      // columns c, from ∂L/∂Y in place and the subsampled image gathered transposed.
      boolean pointwise = PointwiseConv.applies(g);
      int sums = (n + IMAGES_PER_SUM - 1) / IMAGES_PER_SUM;
      int cw = DirectConvWeightGradient.paddedColumns(pointwise ? kg : cog);
      int size = groups * (pointwise ? cog : kg) * cw;
      int hp = DirectConvKernels.paddedH(g), wp = DirectConvKernels.paddedW(g);
      int planes = hp * wp, oh = g.outH(), ow = g.outW();
      int[] off =
          pointwise ? PointwiseConv.rowOffsets(g, cog) : DirectConvKernels.rowOffsets(g, kg);
      boolean flat = !pointwise && DirectConvWeightGradient.flat(g, cw);
      float[] partial = DirectConvWeightGradient.partials(sums * size);
      int[] totalUpTo = {0};
      int[] st = x.strides();
      float[] xs = HostBuffer.of(x).f;
      par.parallelRows(
          sums,
          work,
          (s0, s1) -> {
            // flat: positions over the padded width, read up to wp floats past the planes.
            float[] padded =
                pointwise ? null : SCRATCH.get(COLUMNS, g.c() * planes + (flat ? wp : 0));
            float[] dyT = SCRATCH.get(PANEL, (flat ? oh * wp : l) * cw);
            if (flat) Arrays.fill(padded, g.c() * planes, g.c() * planes + wp, 0f);
            for (int s = s0; s < s1; s++) {
              int into = s0 == 0 ? Math.min(s, 1) * size : s * size;
              for (int i = s * IMAGES_PER_SUM; i < Math.min(n, (s + 1) * IMAGES_PER_SUM); i++) {
                boolean add = i != s * IMAGES_PER_SUM;
                if (pointwise) {
                  // dyT holds the image's X_sᵀ here
                  PointwiseConv.weightGradient(
                      xs,
                      x.offset() + i * st[0],
                      st,
                      g,
                      groups,
                      dy,
                      gOut.offset() + i * cout * l,
                      cout,
                      off,
                      dyT,
                      partial,
                      into,
                      add);
                  continue;
                }
                DirectConvKernels.pad(xs, x.offset() + i * st[0], st, g, padded);
                for (int q = 0; q < groups; q++) {
                  int base = q * (kg / (g.kh() * g.kw())) * planes, to = into + q * kg * cw;
                  DirectConvWeightGradient.transpose(
                      dy,
                      gOut.offset() + (i * cout + q * cog) * l,
                      oh,
                      ow,
                      flat ? wp : ow,
                      cog,
                      cw,
                      dyT);
                  if (flat)
                    DirectConvWeightGradient.flatWeightGradient(
                        padded, base, off, kg, dyT, oh * wp, partial, to, add);
                  else
                    DirectConvWeightGradient.weightGradient(
                        padded,
                        base,
                        off,
                        kg,
                        dyT,
                        cw,
                        oh,
                        ow,
                        g.strideH() * wp,
                        g.strideW(),
                        partial,
                        to,
                        add);
                }
              }
              if (s0 == 0 && s > 0)
                DirectConvWeightGradient.accumulate(partial, 0, partial, size, size);
            }
            if (s0 == 0) totalUpTo[0] = s1;
          });
      float[] dw = HostBuffer.of(gw).f;
      if (pointwise)
        par.parallelRows(
            cout,
            (long) sums * size,
            (r0, r1) ->
                PointwiseConv.sumPartials(
                    partial, totalUpTo[0], sums, size, kg, cw, dw, gw.offset(), r0, r1));
      else
        par.parallelRows(
            groups * kg,
            (long) sums * size,
            (r0, r1) ->
                DirectConvWeightGradient.sumPartials(
                    partial,
                    totalUpTo[0],
                    sums,
                    size,
                    groups,
                    kg,
                    cog,
                    cw,
                    dw,
                    gw.offset(),
                    r0,
                    r1));
    }
    return true;
  }
}
