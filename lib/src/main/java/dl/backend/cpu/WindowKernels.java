package dl.backend.cpu;

import dl.DType;
import dl.backend.ConvGeometry;
import dl.backend.View;
import java.util.Arrays;

/**
 * Sliding-window kernels: unfold (im2col) and fold (col2im), the fused image-by-image convolution
 * (forward and backward) that a backend may offer in place of unfold + matrix product, and max
 * pooling. The fused convolution computes exactly what {@code dl.autograd.ops.Convolution} states
 * over unfold/fold/matmul, with the same kernels in the same order, so results are equal bit for
 * bit (the tests pin it). Where it pays, the fused paths skip the unfolded matrix altogether and
 * read the padded image in place ({@link DirectConvForward}, {@link DirectConvKernels}), or, for a
 * 1×1 kernel without padding, the subsampled image ({@link PointwiseConv}), with the same order of
 * terms.
 */
final class WindowKernels {
  private final Parallel par;
  private final boolean simd;

  WindowKernels(Parallel par, boolean simd) {
    this.par = par;
    this.simd = simd;
  }

  // ---------------------------------------------------------------- sliding windows

  void im2col(View in, ConvGeometry g, View out) {
    HostBuffer x = HostBuffer.of(in), o = HostBuffer.of(out);
    if (!out.isContiguous())
      throw new IllegalArgumentException("im2col: output must be contiguous");
    int oh = g.outH(), ow = g.outW(), cols = g.columns(), khw = g.kh() * g.kw(), l = oh * ow;
    int[] st = in.strides();
    int base = in.offset();
    // Each thread fills whole rows (one channel and kernel offset each), so no two write together.
    par.parallelRows(
        g.rows(),
        (long) g.rows() * cols,
        (r0, r1) -> {
          if (x.f != null && o.f != null) {
            for (int n = 0; n < g.n(); n++)
              unfoldImage(x.f, base + n * st[0], st, g, r0, r1, o.f, out.offset() + n * l, cols);
            return;
          }
          for (int r = r0; r < r1; r++) {
            int c = r / khw, ki = (r / g.kw()) % g.kh(), kj = r % g.kw();
            int at = out.offset() + r * cols;
            for (int n = 0; n < g.n(); n++) {
              for (int y = 0; y < oh; y++) {
                int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
                int row = base + n * st[0] + c * st[1] + ih * st[2];
                for (int xo = 0; xo < ow; xo++) {
                  int iw = xo * g.strideW() - g.padLeft() + kj * g.dilationW();
                  boolean inside = ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w();
                  o.set(at++, inside ? x.get(row + iw * st[3]) : 0);
                }
              }
            }
          }
        });
  }

  /**
   * One image's windows as columns: rows r ∈ [r0, r1) of its unfolded matrix (one per channel,
   * kernel row and kernel column) go to {@code out[outStart + r·ld + y·OW + x]}; {@code base} is
   * the image's first element in {@code x}, whose strides are {@code st}.
   */
  private static void unfoldImage(
      float[] x,
      int base,
      int[] st,
      ConvGeometry g,
      int r0,
      int r1,
      float[] out,
      int outStart,
      int ld) {
    int oh = g.outH(), ow = g.outW(), khw = g.kh() * g.kw(), sw = g.strideW();
    for (int r = r0; r < r1; r++) {
      int c = r / khw, ki = (r / g.kw()) % g.kh(), kj = r % g.kw();
      // Output columns [lo, hi) read inside the image; the rest are padding.
      int off = kj * g.dilationW() - g.padLeft();
      int lo = firstInside(off, sw, ow), hi = endInside(off, sw, g.w(), ow, lo);
      int at = outStart + r * ld;
      for (int y = 0; y < oh; y++, at += ow) {
        int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
        if (ih < 0 || ih >= g.h()) {
          Arrays.fill(out, at, at + ow, 0f);
          continue;
        }
        int row = base + c * st[1] + ih * st[2];
        for (int xo = 0; xo < lo; xo++) out[at + xo] = 0f; // a pixel or two: no call
        if (sw == 1 && st[3] == 1) {
          System.arraycopy(x, row + lo + off, out, at + lo, hi - lo);
        } else {
          for (int xo = lo, p = row + (lo * sw + off) * st[3]; xo < hi; xo++, p += sw * st[3])
            out[at + xo] = x[p];
        }
        for (int xo = hi; xo < ow; xo++) out[at + xo] = 0f;
      }
    }
  }

  // The output columns xo of one kernel column whose input column iw = xo·sw + off lies inside
  // [0, w) are [firstInside, endInside); the others read the padding.
  private static int firstInside(int off, int sw, int ow) {
    return Math.min(ow, off >= 0 ? 0 : (-off + sw - 1) / sw);
  }

  private static int endInside(int off, int sw, int w, int ow, int first) {
    int last = w - 1 - off; // largest xo·sw inside the image
    return last < 0 ? first : Math.max(first, Math.min(ow, last / sw + 1));
  }

  void col2im(View colsView, ConvGeometry g, View out) {
    HostBuffer cols = HostBuffer.of(colsView), o = HostBuffer.of(out);
    if (!colsView.isContiguous() || !out.isContiguous()) {
      throw new IllegalArgumentException("col2im: columns and output must be contiguous");
    }
    int oh = g.outH(), ow = g.outW(), ncols = g.columns(), khw = g.kh() * g.kw(), l = oh * ow;
    int hw = g.h() * g.w(), chw = g.c() * hw;
    // NOTE: split by channel: every input element belongs to one channel, so each is summed by a
    // single thread in a fixed order and the result does not depend on the thread count.
    par.parallelRows(
        g.c(),
        (long) g.rows() * ncols,
        (c0, c1) -> {
          if (o.f != null && cols.f != null) {
            for (int n = 0; n < g.n(); n++)
              foldImage(
                  cols.f, colsView.offset() + n * l, ncols, g, c0, c1, o.f, out.offset() + n * chw);
            return;
          }
          for (int c = c0; c < c1; c++) {
            for (int k = 0; k < khw; k++) {
              int ki = k / g.kw(), kj = k % g.kw();
              int at = colsView.offset() + (c * khw + k) * ncols;
              for (int n = 0; n < g.n(); n++) {
                for (int y = 0; y < oh; y++) {
                  int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
                  int row = out.offset() + n * chw + c * hw + ih * g.w();
                  for (int xo = 0; xo < ow; xo++, at++) {
                    int iw = xo * g.strideW() - g.padLeft() + kj * g.dilationW();
                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                    o.set(row + iw, o.get(row + iw) + cols.get(at));
                  }
                }
              }
            }
          }
        });
  }

  /**
   * The adjoint of {@link #unfoldImage}: adds the rows of channels [c0, c1) of one image's columns
   * ({@code cols[colsStart + r·ld + y·OW + x]}) back into the image at {@code out[base + c·H·W +
   * ih·W + iw]}. Each input element sums its contributions over kernel offsets, then output rows,
   * in order, however images and channels are split.
   */
  private static void foldImage(
      float[] cols, int colsStart, int ld, ConvGeometry g, int c0, int c1, float[] out, int base) {
    int oh = g.outH(), ow = g.outW(), khw = g.kh() * g.kw(), hw = g.h() * g.w();
    int sw = g.strideW();
    for (int c = c0; c < c1; c++) {
      for (int k = 0; k < khw; k++) {
        int ki = k / g.kw(), kj = k % g.kw();
        int off = kj * g.dilationW() - g.padLeft();
        int lo = firstInside(off, sw, ow), hi = endInside(off, sw, g.w(), ow, lo);
        int at = colsStart + (c * khw + k) * ld;
        for (int y = 0; y < oh; y++, at += ow) {
          int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
          if (ih < 0 || ih >= g.h()) continue;
          int row = base + c * hw + ih * g.w();
          if (sw == 1) {
            int shift = row + off; // column xo goes to out[shift + xo]: one unit-stride loop
            for (int xo = lo; xo < hi; xo++) out[shift + xo] += cols[at + xo];
          } else {
            for (int xo = lo, q = row + lo * sw + off; xo < hi; xo++, q += sw)
              out[q] += cols[at + xo];
          }
        }
      }
    }
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
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[2][]);

  /**
   * This thread's reusable buffer {@code slot} with room for {@code size} floats (contents stale).
   */
  private static float[] scratch(int slot, int size) {
    float[][] mine = SCRATCH.get();
    if (mine[slot] == null || mine[slot].length < size) mine[slot] = new float[size];
    return mine[slot];
  }

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
          float[] cols = scratch(COLUMNS, g.rows() * l),
              panel = scratch(PANEL, kg * SimdGemm.width());
          for (int i = i0; i < i1; i++) {
            // A 1×1 kernel without padding: the unfolded matrix is the subsampled image.
            if (pointwise) PointwiseConv.subsample(xs, x.offset() + i * st[0], st, g, cols);
            else unfoldImage(xs, x.offset() + i * st[0], st, g, 0, g.rows(), cols, 0, l);
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
          float[] padded = scratch(COLUMNS, DirectConvForward.paddedSize(g));
          float[] rows = scratch(PANEL, cog * DirectConvForward.rowLength(g));
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
              float[] planes = scratch(COLUMNS, planesSize), rows = scratch(PANEL, rowsSize);
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
              float[] gCols = scratch(COLUMNS, g.rows() * l), panel = scratch(PANEL, cog * width);
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
                  foldImage(gCols, 0, l, g, 0, g.c(), dx, image);
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
            float[] padded = pointwise ? null : scratch(COLUMNS, g.c() * planes + (flat ? wp : 0));
            float[] dyT = scratch(PANEL, (flat ? oh * wp : l) * cw);
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

  /** Whether {@link #maxPool2d} takes the branch-free path: 2×2 windows, stride 2, inside. */
  private static boolean twoByTwo(ConvGeometry g) {
    return g.kh() == 2
        && g.kw() == 2
        && g.strideH() == 2
        && g.strideW() == 2
        && g.dilationH() == 1
        && g.dilationW() == 1
        && g.padTop() == 0
        && g.padLeft() == 0
        && 2 * g.outH() <= g.h()
        && 2 * g.outW() <= g.w();
  }

  /**
   * {@link #maxPool2d} for one float32 plane (rows {@code sh}, columns {@code sw} apart from {@code
   * base}), with the same rules for padding, ties and NaN. {@code windows}, when not null, holds
   * each 2×2 window's top-left offset from {@code base} (see {@link PoolVectors}).
   */
  private static void maxPlane(
      float[] x,
      int base,
      int sh,
      int sw,
      ConvGeometry g,
      float[] out,
      int at,
      float[] idx,
      int idxAt,
      PoolVectors windows) {
    int oh = g.outH(), ow = g.outW(), kh = g.kh(), kw = g.kw(), h = g.h(), w = g.w();
    int strideH = g.strideH(), strideW = g.strideW(), dh = g.dilationH(), dw = g.dilationW();
    if (twoByTwo(g)) {
      int done = windows == null ? 0 : windows.plane(x, base, sh, sw, out, at, idx, idxAt);
      at += done;
      idxAt += done;
      // The usual 2×2, stride-2 pooling, without branches on the data (the general loop's were
      // mispredicted half the time; this runs about 5× faster). The maximum comes from Math.max;
      // the window's first element equal to it (−0 equals +0) is the one the rule above keeps,
      // and if the maximum is NaN, the first NaN is.
      for (int o = done; o < oh * ow; o++, at++, idxAt++) {
        int y = o / ow, xo = o % ow;
        int p = base + 2 * y * sh + 2 * xo * sw, first = 2 * y * w + 2 * xo;
        float v0 = x[p], v1 = x[p + sw], v2 = x[p + sh], v3 = x[p + sh + sw];
        float max = Math.max(Math.max(v0, v1), Math.max(v2, v3));
        int corner; // 0, 1, 2, 3: top left, top right, bottom left, bottom right
        if (max == max) {
          corner = v2 == max ? 2 : 3;
          corner = v1 == max ? 1 : corner;
          corner = v0 == max ? 0 : corner;
        } else {
          corner = v0 != v0 ? 0 : v1 != v1 ? 1 : v2 != v2 ? 2 : 3;
        }
        int right = corner & 1, bottom = corner >> 1;
        out[at] = x[p + bottom * sh + right * sw];
        idx[idxAt] = first + bottom * w + right;
      }
      return;
    }
    for (int y = 0; y < oh; y++) {
      int top = y * strideH - g.padTop();
      for (int xo = 0; xo < ow; xo++, at++, idxAt++) {
        int left = xo * strideW - g.padLeft();
        float best = Float.NEGATIVE_INFINITY;
        int bestIndex = -1;
        for (int ki = 0, ih = top; ki < kh; ki++, ih += dh) {
          if (ih < 0 || ih >= h) continue;
          for (int kj = 0, iw = left; kj < kw; kj++, iw += dw) {
            if (iw < 0 || iw >= w) continue;
            float v = x[base + ih * sh + iw * sw];
            // v > best, or v is NaN and best is not (NaN wins, as in PyTorch); the first wins ties
            if (bestIndex < 0 || (!(v <= best) && best == best)) {
              best = v;
              bestIndex = ih * w + iw;
            }
          }
        }
        out[at] = best;
        idx[idxAt] = bestIndex;
      }
    }
  }

  void maxPool2d(View in, ConvGeometry g, View out, View indices) {
    HostBuffer x = HostBuffer.of(in), o = HostBuffer.of(out), idx = HostBuffer.of(indices);
    if (!out.isContiguous() || !indices.isContiguous()) {
      throw new IllegalArgumentException("maxPool2d: output and indices must be contiguous");
    }
    int oh = g.outH(), ow = g.outW();
    int[] st = in.strides();
    PoolVectors windows =
        simd && x.f != null && twoByTwo(g) && (long) g.h() * g.w() < 1 << 24 // indices exact
            ? new PoolVectors(g, st[2], st[3])
            : null;
    par.parallelRows(
        g.n() * g.c(),
        (long) g.n() * g.c() * oh * ow * g.kh() * g.kw(),
        (p0, p1) -> {
          for (int plane = p0; plane < p1; plane++) {
            int n = plane / g.c(), c = plane % g.c();
            int base = in.offset() + n * st[0] + c * st[1];
            int at = plane * oh * ow;
            if (x.f != null && o.f != null && idx.f != null) {
              maxPlane(
                  x.f,
                  base,
                  st[2],
                  st[3],
                  g,
                  o.f,
                  out.offset() + at,
                  idx.f,
                  indices.offset() + at,
                  windows);
              continue;
            }
            for (int y = 0; y < oh; y++) {
              for (int xo = 0; xo < ow; xo++, at++) {
                double best = Double.NEGATIVE_INFINITY;
                int bestIndex = -1;
                for (int ki = 0; ki < g.kh(); ki++) {
                  int ih = y * g.strideH() - g.padTop() + ki * g.dilationH();
                  if (ih < 0 || ih >= g.h()) continue;
                  for (int kj = 0; kj < g.kw(); kj++) {
                    int iw = xo * g.strideW() - g.padLeft() + kj * g.dilationW();
                    if (iw < 0 || iw >= g.w()) continue;
                    double v = x.get(base + ih * st[2] + iw * st[3]);
                    if (v > best || bestIndex < 0 || (Double.isNaN(v) && !Double.isNaN(best))) {
                      best = v;
                      bestIndex = ih * g.w() + iw;
                    }
                  }
                }
                o.set(out.offset() + at, best);
                idx.set(indices.offset() + at, bestIndex);
              }
            }
          }
        });
  }
}
