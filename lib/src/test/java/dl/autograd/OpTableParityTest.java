package dl.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.autograd.OpTable.OpCase;
import dl.backend.Backend;
import dl.backend.Backends;
import dl.backend.opencl.OpenClBackend;
import dl.backend.opencl.OpenClTests;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of {@link OpTable} on the OpenCL backend against the CPU backend: the output and the
 * gradient of every input, for a seeded random upstream gradient, agree within 1e-4 relative error
 * in float32 (|a − b| ≤ 1e-4·max(1, |b|)) and 1e-9 in float64.
 */
@Tag("opencl")
class OpTableParityTest {

  static Stream<OpCase> cases() {
    return OpTable.cases().stream();
  }

  /** What one run produced, read back to the host: the output, then each input's gradient. */
  private static List<double[]> run(OpCase c, DType dtype, Backend backend) {
    Backend previous = Backends.use(backend);
    try {
      Tensor[] x = OpTableTest.inputs(c, dtype, OpTableTest.data(c));
      Tensor out = c.op().apply(x);
      Tensor upstream =
          Tensor.randn(new Rng(OpTableTest.seedOf(c) + 1), out.shape().toArray()).to(dtype);
      out.backward(upstream);
      List<double[]> r = new ArrayList<>();
      r.add(out.toDoubleArray());
      for (Tensor t : x) r.add(t.grad() == null ? null : t.grad().toDoubleArray());
      assertEquals(backend, out.device(), c + ": output left the device");
      return r;
    } finally {
      Backends.use(previous);
    }
  }

  private static void compare(OpCase c, DType dtype, double tolerance) {
    OpenClBackend cl = OpenClTests.device();
    List<double[]> expected = run(c, dtype, Backends.cpu());
    List<double[]> got = run(c, dtype, cl);
    for (int k = 0; k < expected.size(); k++) {
      String what =
          c
              + " "
              + dtype
              + " seed="
              + OpTableTest.seedOf(c)
              + (k == 0 ? " output" : " grad " + (k - 1));
      double[] e = expected.get(k), g = got.get(k);
      if (e == null) {
        assertEquals(null, g, what);
        continue;
      }
      assertEquals(e.length, g.length, what);
      for (int i = 0; i < e.length; i++) {
        boolean ok =
            Math.abs(g[i] - e[i]) <= tolerance * Math.max(1, Math.abs(e[i]))
                || (Double.isNaN(e[i]) && Double.isNaN(g[i]));
        assertTrue(ok, what + ": element " + i + " opencl " + g[i] + " cpu " + e[i]);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void float32ForwardAndBackwardMatchTheCpu(OpCase c) {
    compare(c, DType.FLOAT32, 1e-4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void float64ForwardAndBackwardMatchTheCpu(OpCase c) {
    compare(c, DType.FLOAT64, 1e-9);
  }

  private static final Set<String> fallbacksBefore = new java.util.TreeSet<>();

  @BeforeAll
  static void rememberEarlierFallbacks() {
    if (Backends.opencl() instanceof OpenClBackend cl) fallbacksBefore.addAll(cl.cpuFallbacks());
  }

  /** The table ran entirely on kernels: no op took the per-op CPU fallback. */
  @AfterAll
  static void everyOpHadAKernel() {
    if (Backends.opencl() instanceof OpenClBackend cl) {
      Set<String> now = new java.util.TreeSet<>(cl.cpuFallbacks());
      now.removeAll(fallbacksBefore);
      assertArrayEquals(new String[0], now.toArray(), "ops that fell back: " + now);
    }
  }
}
