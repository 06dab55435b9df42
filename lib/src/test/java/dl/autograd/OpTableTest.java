package dl.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.autograd.OpTable.Domain;
import dl.autograd.OpTable.OpCase;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of {@link OpTable}: forward against the naive reference, then a float64 gradient check.
 */
class OpTableTest {

  static Stream<OpCase> cases() {
    return OpTable.cases().stream();
  }

  /** Seed derived from the case name, printed on failure so the inputs can be replayed. */
  static long seedOf(OpCase c) {
    return c.name().hashCode();
  }

  static double[] sample(Rng rng, Domain domain, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double x = rng.uniform(domain.low, domain.high);
      v[i] = domain == Domain.AWAY_FROM_ZERO && rng.uniform() < 0.5 ? -x : x;
    }
    return v;
  }

  static Tensor[] inputs(OpCase c, DType dtype, double[][] data) {
    Tensor[] t = new Tensor[c.shapes().length];
    for (int i = 0; i < t.length; i++) {
      final int k = i;
      if (Arrays.stream(c.constants()).anyMatch(j -> j == k)) {
        t[i] = c.constant().apply(i);
      } else {
        Tensor x = Tensor.fromArray(data[i], c.shapes()[i]);
        t[i] = (dtype == DType.FLOAT32 ? x.float32() : x).requiresGrad(true);
      }
    }
    return t;
  }

  static double[][] data(OpCase c) {
    Rng rng = new Rng(seedOf(c));
    double[][] d = new double[c.shapes().length][];
    for (int i = 0; i < d.length; i++) d[i] = sample(rng, c.domain(), Ref.total(c.shapes()[i]));
    return d;
  }

  static Ref[] refs(OpCase c, Tensor[] inputs) {
    Ref[] r = new Ref[inputs.length];
    for (int i = 0; i < r.length; i++)
      r[i] = new Ref(inputs[i].toDoubleArray(), inputs[i].shape().toArray());
    return r;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardInFloat64MatchesNaiveReference(OpCase c) {
    Tensor[] x = inputs(c, DType.FLOAT64, data(c));
    Tensor out = c.op().apply(x);
    Ref expected = c.reference().apply(refs(c, x));
    String where = c + " seed=" + seedOf(c);
    assertArrayEquals(expected.shape(), out.shape().toArray(), "shape of " + where);
    assertEquals(DType.FLOAT64, out.dtype(), "dtype of " + where);
    double[] got = out.toDoubleArray();
    for (int i = 0; i < got.length; i++) {
      double e = expected.data()[i];
      assertTrue(
          Math.abs(got[i] - e) <= 1e-12 * Math.max(1, Math.abs(e)),
          where + ": element " + i + " got " + got[i] + " expected " + e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardInFloat32StaysWithinSinglePrecision(OpCase c) {
    double[][] data = data(c);
    Tensor[] x = inputs(c, DType.FLOAT32, data);
    Tensor out = c.op().apply(x);
    Ref expected = c.reference().apply(refs(c, x));
    double[] got = out.toDoubleArray();
    for (int i = 0; i < got.length; i++) {
      double e = expected.data()[i];
      assertTrue(
          Math.abs(got[i] - e) <= 1e-5 * Math.max(1, Math.abs(e)),
          c + " seed=" + seedOf(c) + ": element " + i + " got " + got[i] + " expected " + e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchCenteredFiniteDifferences(OpCase c) {
    Tensor[] x = inputs(c, DType.FLOAT64, data(c));
    GradCheck.Report report = GradCheck.check(c.op(), x);
    assertTrue(report.passed(), c + " seed=" + seedOf(c) + "\n" + report);
  }
}
