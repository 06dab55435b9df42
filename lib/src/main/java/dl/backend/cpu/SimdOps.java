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
    return op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV;
  }

  /**
   * o[po + i] = a[pa + i·sa] ∘ b[pb + i·sb] for + − × ÷, each stride 0 (one broadcast value) or 1;
   * false (nothing written) for other ops and strides. Each operator gets its own loops: the Vector
   * API compiles to SIMD instructions only when the operation is known where it is called.
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
}
