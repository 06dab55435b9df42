package dl.backend.cpu;

import dl.backend.BinaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise float32 rows with explicit SIMD, for the ops every training step runs over whole
 * activations (ReLU, its derivative, batch norm's per-channel affine map). Loaded only when the JVM
 * has the {@code jdk.incubator.vector} module, like {@link SimdGemm}.
 *
 * <p>NOTE: HotSpot (JDK 17) does not auto-vectorise {@code y[q + i] = f(x[p + i])} when both arrays
 * have the same type and an offset, because they might overlap; explicit vectors have no such
 * doubt. Each lane does exactly what the scalar loop does (no fused multiply-add), so results are
 * the same bit for bit, and the scalar tail finishes the row.
 */
final class SimdOps {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private SimdOps() {}

  /** y[q + i] = max(x[p + i], 0) for i in [0, n). */
  static void relu(float[] x, int p, float[] y, int q, int n) {
    int i = 0;
    for (; i <= n - L; i += L) FloatVector.fromArray(S, x, p + i).max(0f).intoArray(y, q + i);
    for (; i < n; i++) y[q + i] = Math.max(x[p + i], 0f);
  }

  /** y[q + i] = 1 where x[p + i] &gt; 0, else 0: ReLU's derivative. */
  static void step(float[] x, int p, float[] y, int q, int n) {
    FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, p + i);
      zero.blend(one, v.compare(VectorOperators.GT, 0f)).intoArray(y, q + i);
    }
    for (; i < n; i++) y[q + i] = x[p + i] > 0f ? 1f : 0f;
  }

  /** Whether {@link #binary} takes {@code op}. */
  static boolean handles(BinaryOp op) {
    return op == BinaryOp.ADD
        || op == BinaryOp.SUB
        || op == BinaryOp.MUL
        || op == BinaryOp.DIV
        || op == BinaryOp.PASS_IF_POSITIVE;
  }

  /**
   * o[po + i] = a[pa + i·sa] ∘ b[pb + i·sb] for + − × ÷ and {@link BinaryOp#PASS_IF_POSITIVE}, each
   * stride 0 (one broadcast value) or 1; false (nothing written) for other ops and strides. Each
   * operator gets its own loops: the Vector API compiles to SIMD instructions only when the
   * operation is known where it is called.
   */
  static boolean binary(
      BinaryOp op, float[] a, int pa, int sa, float[] b, int pb, int sb, float[] o, int po, int n) {
    if (sa < 0 || sa > 1 || sb < 0 || sb > 1) return false;
    int i = 0, end = sa == 0 && sb == 0 ? -1 : n - L; // two broadcasts: the scalar loop does it
    switch (op) {
      case ADD -> {
        for (; i <= end; i += L) load(a, pa, sa, i).add(load(b, pb, sb, i)).intoArray(o, po + i);
        for (; i < n; i++) o[po + i] = a[pa + i * sa] + b[pb + i * sb];
      }
      case SUB -> {
        for (; i <= end; i += L) load(a, pa, sa, i).sub(load(b, pb, sb, i)).intoArray(o, po + i);
        for (; i < n; i++) o[po + i] = a[pa + i * sa] - b[pb + i * sb];
      }
      case MUL -> {
        for (; i <= end; i += L) load(a, pa, sa, i).mul(load(b, pb, sb, i)).intoArray(o, po + i);
        for (; i < n; i++) o[po + i] = a[pa + i * sa] * b[pb + i * sb];
      }
      case DIV -> {
        for (; i <= end; i += L) load(a, pa, sa, i).div(load(b, pb, sb, i)).intoArray(o, po + i);
        for (; i < n; i++) o[po + i] = a[pa + i * sa] / b[pb + i * sb];
      }
      case PASS_IF_POSITIVE -> {
        FloatVector zero = FloatVector.zero(S);
        for (; i <= end; i += L)
          zero.blend(load(a, pa, sa, i), load(b, pb, sb, i).compare(VectorOperators.GT, 0f))
              .intoArray(o, po + i);
        for (; i < n; i++) o[po + i] = b[pb + i * sb] > 0f ? a[pa + i * sa] : 0f;
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Lanes i … i + L − 1 of a row with stride 1, or its one value repeated (stride 0). */
  private static FloatVector load(float[] x, int p, int stride, int i) {
    return stride == 1 ? FloatVector.fromArray(S, x, p + i) : FloatVector.broadcast(S, x[p]);
  }

  /** y[q + i] = (x[p + i] − center)·scale + shift: batch norm's normalise-and-affine map. */
  static void affine(
      float[] x, int p, float[] y, int q, int n, float center, float scale, float shift) {
    int i = 0;
    for (; i <= n - L; i += L)
      FloatVector.fromArray(S, x, p + i).sub(center).mul(scale).add(shift).intoArray(y, q + i);
    for (; i < n; i++) y[q + i] = (x[p + i] - center) * scale + shift;
  }

  /** As {@link #affine} plus g[r + i]·gScale: batch norm's input gradient. */
  static void affine(
      float[] x,
      int p,
      float[] y,
      int q,
      int n,
      float center,
      float scale,
      float shift,
      float[] g,
      int r,
      float gScale) {
    int i = 0;
    for (; i <= n - L; i += L)
      FloatVector.fromArray(S, x, p + i)
          .sub(center)
          .mul(scale)
          .add(shift)
          .add(FloatVector.fromArray(S, g, r + i).mul(gScale))
          .intoArray(y, q + i);
    for (; i < n; i++) y[q + i] = (x[p + i] - center) * scale + shift + g[r + i] * gScale;
  }

  // ------------------------------------ per-channel sums (batch norm's statistics, bias gradients)
  // NOTE: one plane's sum as a fixed tree, so it is the same bits whichever thread runs it: four
  // vector accumulators take vectors i, i+1, i+2, i+3 in turn for up to SUM_BLOCK floats (so each
  // lane adds at most SUM_BLOCK / (4·L) values in float, 16 with AVX-512; gradSums, two vectors per
  // step, 32), the accumulators are added, and their lanes go into the double total in lane order;
  // the tail past the last whole vector is added to the total one value at a time. Several
  // accumulators, because one would wait on the adder's latency after every vector.
  private static final int SUM_BLOCK = 1024;

  /** Σ x[p + i] for i in [0, n). */
  static double sum(float[] x, int p, int n) {
    float[] lanes = new float[L];
    int whole = n - n % L;
    double total = 0;
    for (int i = 0; i < whole; ) {
      int stop = Math.min(whole, i + SUM_BLOCK);
      FloatVector a = FloatVector.zero(S), b = a, c = a, d = a;
      for (; i + 4 * L <= stop; i += 4 * L) {
        a = a.add(FloatVector.fromArray(S, x, p + i));
        b = b.add(FloatVector.fromArray(S, x, p + i + L));
        c = c.add(FloatVector.fromArray(S, x, p + i + 2 * L));
        d = d.add(FloatVector.fromArray(S, x, p + i + 3 * L));
      }
      for (; i < stop; i += L) a = a.add(FloatVector.fromArray(S, x, p + i));
      total += inLaneOrder(a.add(b).add(c.add(d)), lanes);
    }
    for (int i = whole; i < n; i++) total += x[p + i];
    return total;
  }

  /** Σ (x[p + i] − center)² for i in [0, n), in the order of {@link #sum}. */
  static double sumSquaredDeviations(float[] x, int p, int n, float center) {
    float[] lanes = new float[L];
    int whole = n - n % L;
    double total = 0;
    for (int i = 0; i < whole; ) {
      int stop = Math.min(whole, i + SUM_BLOCK);
      FloatVector a = FloatVector.zero(S), b = a, c = a, d = a;
      for (; i + 4 * L <= stop; i += 4 * L) {
        FloatVector u = FloatVector.fromArray(S, x, p + i).sub(center);
        FloatVector v = FloatVector.fromArray(S, x, p + i + L).sub(center);
        FloatVector w = FloatVector.fromArray(S, x, p + i + 2 * L).sub(center);
        FloatVector z = FloatVector.fromArray(S, x, p + i + 3 * L).sub(center);
        a = u.fma(u, a);
        b = v.fma(v, b);
        c = w.fma(w, c);
        d = z.fma(z, d);
      }
      for (; i < stop; i += L) {
        FloatVector u = FloatVector.fromArray(S, x, p + i).sub(center);
        a = u.fma(u, a);
      }
      total += inLaneOrder(a.add(b).add(c.add(d)), lanes);
    }
    for (int i = whole; i < n; i++) {
      double dev = x[p + i] - center;
      total += dev * dev;
    }
    return total;
  }

  /**
   * Adds Σ g[r + i] to {@code sums[0]} and Σ g[r + i]·(x[p + i] − center) to {@code sums[1]}, i in
   * [0, n), each in the order of {@link #sum}: batch norm's backward sums for one plane.
   */
  static void gradSums(float[] g, int r, float[] x, int p, int n, float center, double[] sums) {
    float[] lanes = new float[L];
    int whole = n - n % L;
    double sumG = 0, sumGX = 0;
    for (int i = 0; i < whole; ) {
      int stop = Math.min(whole, i + SUM_BLOCK);
      FloatVector a = FloatVector.zero(S), b = a, c = a, d = a;
      for (; i + 2 * L <= stop; i += 2 * L) {
        FloatVector g0 = FloatVector.fromArray(S, g, r + i);
        FloatVector g1 = FloatVector.fromArray(S, g, r + i + L);
        a = a.add(g0);
        b = b.add(g1);
        c = g0.fma(FloatVector.fromArray(S, x, p + i).sub(center), c);
        d = g1.fma(FloatVector.fromArray(S, x, p + i + L).sub(center), d);
      }
      for (; i < stop; i += L) {
        FloatVector g0 = FloatVector.fromArray(S, g, r + i);
        a = a.add(g0);
        c = g0.fma(FloatVector.fromArray(S, x, p + i).sub(center), c);
      }
      sumG += inLaneOrder(a.add(b), lanes);
      sumGX += inLaneOrder(c.add(d), lanes);
    }
    for (int i = whole; i < n; i++) {
      double gv = g[r + i];
      sumG += gv;
      sumGX += gv * (x[p + i] - center);
    }
    sums[0] += sumG;
    sums[1] += sumGX;
  }

  /** The lanes of v added in lane order, in double. */
  private static double inLaneOrder(FloatVector v, float[] lanes) {
    v.intoArray(lanes, 0);
    double s = 0;
    for (float f : lanes) s += f;
    return s;
  }
}
