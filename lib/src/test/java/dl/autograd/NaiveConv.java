package dl.autograd;

/**
 * Convolution and pooling written as the textbook's nested loops over output pixels, the test
 * oracle for the im2col-based layers. Padding is {top, bottom, left, right}.
 */
final class NaiveConv {
  private NaiveConv() {}

  static int out(int in, int k, int s, int padTotal, int d) {
    return Math.floorDiv(in + padTotal - d * (k - 1) - 1, s) + 1;
  }

  static Ref conv2d(Ref x, Ref w, Ref b, int[] s, int[] p, int[] d, int groups) {
    int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
    int co = w.shape()[0], cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
    int oh = out(h, kh, s[0], p[0] + p[1], d[0]), ow = out(wd, kw, s[1], p[2] + p[3], d[1]);
    double[] y = new double[n * co * oh * ow];
    int perGroupOut = co / groups;
    for (int i = 0; i < n; i++)
      for (int o = 0; o < co; o++) {
        int g = o / perGroupOut;
        for (int r = 0; r < oh; r++)
          for (int q = 0; q < ow; q++) {
            double sum = b == null ? 0 : b.data()[o];
            for (int ci = 0; ci < cg; ci++)
              for (int u = 0; u < kh; u++)
                for (int v = 0; v < kw; v++) {
                  int ih = r * s[0] - p[0] + u * d[0], iw = q * s[1] - p[2] + v * d[1];
                  if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                  int cin = g * cg + ci;
                  sum +=
                      x.data()[((i * c + cin) * h + ih) * wd + iw]
                          * w.data()[((o * cg + ci) * kh + u) * kw + v];
                }
            y[((i * co + o) * oh + r) * ow + q] = sum;
          }
      }
    return new Ref(y, new int[] {n, co, oh, ow});
  }

  /** Transposed convolution as the scatter it is: every input pixel adds w·x into the output. */
  static Ref convTranspose2d(Ref x, Ref w, Ref b, int s, int p, int op, int d, int groups) {
    int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
    int cog = w.shape()[1],
        kh = w.shape()[2],
        kw = w.shape()[3],
        co = cog * groups,
        cig = c / groups;
    int oh = (h - 1) * s - 2 * p + d * (kh - 1) + op + 1,
        ow = (wd - 1) * s - 2 * p + d * (kw - 1) + op + 1;
    double[] y = new double[n * co * oh * ow];
    for (int i = 0; i < n; i++)
      for (int ci = 0; ci < c; ci++) {
        int g = ci / cig;
        for (int r = 0; r < h; r++)
          for (int q = 0; q < wd; q++) {
            double xv = x.data()[((i * c + ci) * h + r) * wd + q];
            for (int o = 0; o < cog; o++)
              for (int u = 0; u < kh; u++)
                for (int v = 0; v < kw; v++) {
                  int yh = r * s - p + u * d, yw = q * s - p + v * d;
                  if (yh < 0 || yh >= oh || yw < 0 || yw >= ow) continue;
                  int oc = g * cog + o;
                  y[((i * co + oc) * oh + yh) * ow + yw] +=
                      xv * w.data()[((ci * cog + o) * kh + u) * kw + v];
                }
          }
      }
    if (b != null) for (int i = 0; i < y.length; i++) y[i] += b.data()[(i / (oh * ow)) % co];
    return new Ref(y, new int[] {n, co, oh, ow});
  }

  /**
   * Max (or average, when {@code max} is false) over windows; padding is −∞ for max, 0 for average.
   */
  static Ref pool(Ref x, int k, int s, int p, int d, boolean max) {
    int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
    int oh = out(h, k, s, 2 * p, d), ow = out(wd, k, s, 2 * p, d);
    double[] y = new double[n * c * oh * ow];
    for (int i = 0; i < n * c; i++)
      for (int r = 0; r < oh; r++)
        for (int q = 0; q < ow; q++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          for (int u = 0; u < k; u++)
            for (int v = 0; v < k; v++) {
              int ih = r * s - p + u * d, iw = q * s - p + v * d;
              if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
              double val = x.data()[(i * h + ih) * wd + iw];
              acc = max ? Math.max(acc, val) : acc + val;
            }
          y[(i * oh + r) * ow + q] = max ? acc : acc / (k * k);
        }
    return new Ref(y, new int[] {n, c, oh, ow});
  }
}
