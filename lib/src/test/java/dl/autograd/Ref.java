package dl.autograd;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A deliberately naive n-d array used as the test oracle: nested index arithmetic written from
 * scratch, sharing no code with the library's strided kernels.
 */
record Ref(double[] data, int[] shape) {

  int numel() {
    return data.length;
  }

  static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    return idx;
  }

  static int ravel(int[] idx, int[] shape) {
    int flat = 0;
    for (int d = 0; d < shape.length; d++) flat = flat * shape[d] + idx[d];
    return flat;
  }

  static int total(int[] shape) {
    int n = 1;
    for (int s : shape) n *= s;
    return n;
  }

  /** Element at a broadcast index: align trailing axes; size-1 axes repeat. */
  double at(int[] outIdx) {
    int lead = outIdx.length - shape.length;
    int[] idx = new int[shape.length];
    for (int d = 0; d < shape.length; d++) idx[d] = shape[d] == 1 ? 0 : outIdx[d + lead];
    return data[ravel(idx, shape)];
  }

  static int[] broadcast(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.length ? 1 : a[i - (r - a.length)];
      int db = i < r - b.length ? 1 : b[i - (r - b.length)];
      out[i] = Math.max(da, db);
    }
    return out;
  }

  Ref map(DoubleUnaryOperator f) {
    return new Ref(Arrays.stream(data).map(f).toArray(), shape);
  }

  Ref zip(Ref o, DoubleBinaryOperator f) {
    int[] s = broadcast(shape, o.shape);
    double[] out = new double[total(s)];
    for (int i = 0; i < out.length; i++) {
      int[] idx = unravel(i, s);
      out[i] = f.applyAsDouble(at(idx), o.at(idx));
    }
    return new Ref(out, s);
  }

  /** Reduce over the given (non-negative) axes, dropping them. */
  Ref reduce(int[] axes, double init, DoubleBinaryOperator f) {
    boolean[] red = new boolean[shape.length];
    for (int a : axes) red[a] = true;
    int[] outShape =
        java.util.stream.IntStream.range(0, shape.length)
            .filter(d -> !red[d])
            .map(d -> shape[d])
            .toArray();
    double[] out = new double[total(outShape)];
    Arrays.fill(out, init);
    for (int i = 0; i < data.length; i++) {
      int[] idx = unravel(i, shape);
      int[] o =
          java.util.stream.IntStream.range(0, shape.length)
              .filter(d -> !red[d])
              .map(d -> idx[d])
              .toArray();
      int k = ravel(o, outShape);
      out[k] = f.applyAsDouble(out[k], data[i]);
    }
    return new Ref(out, outShape);
  }

  /** 2-D matrix product by the textbook triple loop. */
  Ref matmul2d(Ref o) {
    int m = shape[0], k = shape[1], n = o.shape[1];
    double[] out = new double[m * n];
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += data[i * k + p] * o.data[p * n + j];
        out[i * n + j] = s;
      }
    return new Ref(out, new int[] {m, n});
  }

  Ref transpose2d() {
    int m = shape[0], n = shape[1];
    double[] out = new double[m * n];
    for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) out[j * m + i] = data[i * n + j];
    return new Ref(out, new int[] {n, m});
  }
}
