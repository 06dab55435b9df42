package dl.backend.cpu;

import dl.backend.ConvGeometry;
import dl.backend.View;
import java.util.Arrays;

/**
 * Sliding-window kernels: unfold (im2col) and fold (col2im), which {@code
 * dl.autograd.ops.Convolution} states the convolution with, and max pooling. The fused convolution
 * that a backend may offer in place of unfold + matrix product is {@link ConvolutionKernels}.
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
  static void unfoldImage(
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
  static void foldImage(
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
