package dl.backend.cpu;

import dl.backend.View;
import java.util.Arrays;

/**
 * Batch normalisation's per-channel loops: moments (mean, variance), the affine map and the sums
 * its backward pass needs, one channel per thread.
 */
final class NormalizationKernels {
  private final Parallel par;
  private final boolean simd;

  NormalizationKernels(Parallel par, boolean simd) {
    this.par = par;
    this.simd = simd;
  }

  // ------------------------------------------------------------------ batch normalisation
  // NOTE: fused per-channel loops. Each channel is handled by one thread, reading its N planes in
  // order, so sums are the same for any thread count. Accumulation is in double; the mean is
  // subtracted before squaring (two passes), which keeps the variance accurate when |mean| ≫ std.

  /** The axes after 1 of each operand, merged, for walking one (sample, channel) plane. */
  private static Strided.Plan plane(View... views) {
    int rank = views[0].rank();
    int[][] strides = new int[views.length][];
    for (int k = 0; k < views.length; k++)
      strides[k] = Arrays.copyOfRange(views[k].strides(), 2, rank);
    return Strided.plan(Arrays.copyOfRange(views[0].shape(), 2, rank), strides);
  }

  /** Offset of element (sample, channel, 0, …) of a view [N, C, …]. */
  private static int planeStart(View v, int sample, int channel) {
    return v.offset() + sample * v.strides()[0] + channel * v.strides()[1];
  }

  private static int innerStride(Strided.Plan plan, int operand) {
    int[] st = plan.strides()[operand];
    return st.length == 0 ? 0 : st[st.length - 1];
  }

  void channelMoments(View x, View mean, View var) {
    HostBuffer xb = HostBuffer.of(x), mb = HostBuffer.of(mean), vb = HostBuffer.of(var);
    int n = x.shape()[0], channels = x.shape()[1];
    Strided.Plan plane = plane(x);
    int sx = innerStride(plane, 0), rows = plane.rows();
    double count = (double) x.numel() / channels;
    par.parallelRows(
        channels,
        x.numel(),
        (c0, c1) -> {
          double[] acc = new double[1];
          for (int c = c0; c < c1; c++) {
            acc[0] = 0;
            for (int i = 0; i < n; i++) {
              int[] base = {planeStart(x, i, c)};
              Strided.walk(
                  plane,
                  base,
                  (off, len) -> {
                    double sum = 0;
                    if (xb.f != null)
                      for (int j = 0, p = off[0]; j < len; j++, p += sx) sum += xb.f[p];
                    else for (int j = 0, p = off[0]; j < len; j++, p += sx) sum += xb.d[p];
                    acc[0] += sum;
                  },
                  0,
                  rows);
            }
            double mu = acc[0] / count;
            acc[0] = 0;
            for (int i = 0; i < n; i++) {
              int[] base = {planeStart(x, i, c)};
              Strided.walk(
                  plane,
                  base,
                  (off, len) -> {
                    double sum = 0;
                    if (xb.f != null)
                      for (int j = 0, p = off[0]; j < len; j++, p += sx) {
                        double d = xb.f[p] - mu;
                        sum += d * d;
                      }
                    else
                      for (int j = 0, p = off[0]; j < len; j++, p += sx) {
                        double d = xb.d[p] - mu;
                        sum += d * d;
                      }
                    acc[0] += sum;
                  },
                  0,
                  rows);
            }
            mb.set(mean.offset() + c * mean.strides()[0], mu);
            vb.set(var.offset() + c * var.strides()[0], acc[0] / count);
          }
        });
  }

  void channelAffine(View x, View center, View scale, View shift, View g, View gScale, View out) {
    HostBuffer xb = HostBuffer.of(x),
        ob = HostBuffer.of(out),
        gb = g == null ? null : HostBuffer.of(g);
    HostBuffer cb = HostBuffer.of(center), sb = HostBuffer.of(scale), hb = HostBuffer.of(shift);
    HostBuffer kb = gScale == null ? null : HostBuffer.of(gScale);
    int n = x.shape()[0], channels = x.shape()[1];
    Strided.Plan plane = g == null ? plane(x, out) : plane(x, out, g);
    int sx = innerStride(plane, 0), so = innerStride(plane, 1);
    int sg = g == null ? 0 : innerStride(plane, 2), rows = plane.rows();
    boolean floats = xb.f != null && ob.f != null && (gb == null || gb.f != null);
    par.parallelRows(
        channels,
        x.numel(),
        (c0, c1) -> {
          for (int c = c0; c < c1; c++) {
            double ce = cb.get(center.offset() + c * center.strides()[0]);
            double sc = sb.get(scale.offset() + c * scale.strides()[0]);
            double sh = hb.get(shift.offset() + c * shift.strides()[0]);
            double gs = kb == null ? 0 : kb.get(gScale.offset() + c * gScale.strides()[0]);
            float cef = (float) ce, scf = (float) sc, shf = (float) sh, gsf = (float) gs;
            for (int i = 0; i < n; i++) {
              int[] base =
                  g == null
                      ? new int[] {planeStart(x, i, c), planeStart(out, i, c)}
                      : new int[] {planeStart(x, i, c), planeStart(out, i, c), planeStart(g, i, c)};
              Strided.walk(
                  plane,
                  base,
                  (off, len) -> {
                    int p = off[0], q = off[1], r = g == null ? 0 : off[2];
                    if (floats && simd && sx == 1 && so == 1 && (gb == null || sg == 1)) {
                      if (gb == null) SimdOps.affine(xb.f, p, ob.f, q, len, cef, scf, shf);
                      else SimdOps.affine(xb.f, p, ob.f, q, len, cef, scf, shf, gb.f, r, gsf);
                    } else if (floats && gb == null) {
                      float[] xf = xb.f, of = ob.f;
                      for (int j = 0; j < len; j++, p += sx, q += so)
                        of[q] = (xf[p] - cef) * scf + shf;
                    } else if (floats) {
                      float[] xf = xb.f, of = ob.f, gf = gb.f;
                      for (int j = 0; j < len; j++, p += sx, q += so, r += sg)
                        of[q] = (xf[p] - cef) * scf + shf + gf[r] * gsf;
                    } else {
                      for (int j = 0; j < len; j++, p += sx, q += so, r += sg) {
                        double v = (xb.get(p) - ce) * sc + sh;
                        if (gb != null) v += gb.get(r) * gs;
                        ob.set(q, v);
                      }
                    }
                  },
                  0,
                  rows);
            }
          }
        });
  }

  void channelGradSums(View g, View x, View center, View sumG, View sumGX) {
    HostBuffer gb = HostBuffer.of(g), xb = HostBuffer.of(x), cb = HostBuffer.of(center);
    HostBuffer ab = HostBuffer.of(sumG), bb = HostBuffer.of(sumGX);
    int n = x.shape()[0], channels = x.shape()[1];
    Strided.Plan plane = plane(g, x);
    int sg = innerStride(plane, 0), sx = innerStride(plane, 1), rows = plane.rows();
    boolean floats = gb.f != null && xb.f != null;
    par.parallelRows(
        channels,
        x.numel(),
        (c0, c1) -> {
          double[] acc = new double[2];
          for (int c = c0; c < c1; c++) {
            double ce = cb.get(center.offset() + c * center.strides()[0]);
            acc[0] = 0;
            acc[1] = 0;
            for (int i = 0; i < n; i++) {
              int[] base = {planeStart(g, i, c), planeStart(x, i, c)};
              Strided.walk(
                  plane,
                  base,
                  (off, len) -> {
                    double s0 = 0, s1 = 0;
                    int p = off[0], q = off[1];
                    if (floats)
                      for (int j = 0; j < len; j++, p += sg, q += sx) {
                        double gv = gb.f[p];
                        s0 += gv;
                        s1 += gv * (xb.f[q] - ce);
                      }
                    else
                      for (int j = 0; j < len; j++, p += sg, q += sx) {
                        double gv = gb.get(p);
                        s0 += gv;
                        s1 += gv * (xb.get(q) - ce);
                      }
                    acc[0] += s0;
                    acc[1] += s1;
                  },
                  0,
                  rows);
            }
            ab.set(sumG.offset() + c * sumG.strides()[0], acc[0]);
            bb.set(sumGX.offset() + c * sumGX.strides()[0], acc[1]);
          }
        });
  }
}
