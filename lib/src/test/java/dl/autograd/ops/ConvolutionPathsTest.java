package dl.autograd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.autograd.GradCheck;
import dl.backend.Backend;
import dl.backend.Backends;
import dl.backend.ConvGeometry;
import dl.backend.cpu.CpuBackend;
import dl.tensor.Fused;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Convolution}'s two paths: the plain one written in the op (unfold, matmul, fold) and the
 * CPU backend's fused image-by-image kernels. Both multiply in the same order for the output and
 * ∂L/∂X, so those agree bit for bit; they add ∂L/∂W's N·OH·OW products in different orders, so it
 * agrees to float32 rounding. The plain path's gradients are checked in float64 against finite
 * differences (the fused kernels take float32 only).
 */
class ConvolutionPathsTest {

  private static ConvGeometry geometry(String spec) {
    int[] v = java.util.Arrays.stream(spec.split(" ")).mapToInt(Integer::parseInt).toArray();
    // n c h w  kh kw  strideH strideW  top bottom left right  dilationH dilationW
    return new ConvGeometry(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]);
  }

  /** Output, ∂L/∂X and ∂L/∂W of one path for ∂L/∂Y = {@code up}. */
  private static Tensor[] run(
      boolean fused, ConvGeometry g, int groups, Tensor x, Tensor w, Tensor up, boolean permute) {
    Tensor xi = x.detach().requiresGrad(true), wi = w.detach().requiresGrad(true);
    // A permuted input reaches the op as a strided view: both paths read it through its strides.
    Tensor xIn = permute ? xi.permute(1, 0, 2, 3).contiguous().permute(1, 0, 2, 3) : xi;
    Tensor y = new Convolution(g, groups, fused).apply(xIn, wi);
    y.backward(up);
    return new Tensor[] {y, xi.grad(), wi.grad()};
  }

  @ParameterizedTest(name = "{0} cout={1} groups={2} permuted={3}")
  @CsvSource({
    "1 1 5 5 3 3 1 1 1 1 1 1 1 1, 1, 1, false",
    "5 3 7 9 3 2 2 1 1 0 2 1 1 1, 4, 1, false",
    "6 4 10 8 3 3 1 1 2 2 2 2 2 2, 6, 2, false",
    "3 6 9 9 3 3 2 2 1 1 1 1 1 1, 6, 6, false",
    "9 16 14 14 3 3 1 1 1 1 1 1 1 1, 32, 1, true",
    "2 3 28 28 5 5 1 1 0 0 0 0 1 1, 6, 1, false",
    "4 8 7 7 1 1 2 2 0 0 0 0 1 1, 16, 4, false",
    "7 2 6 11 2 4 3 1 0 2 3 0 2 1, 3, 1, true",
    "16 6 12 12 5 5 1 1 0 0 0 0 1 1, 16, 2, false",
    "3 12 9 10 3 3 1 1 1 2 0 2 2 1, 8, 1, false",
    "2 16 8 8 3 3 1 1 1 1 1 1 1 1, 16, 2, true",
    "2 8 12 12 5 5 1 1 2 2 2 2 1 1, 4, 1, false",
    // six channels (NarrowConvKernels): LeNet's c1 forward, c3's ∂L/∂X, both with groups
    "3 1 28 28 5 5 1 1 2 2 2 2 1 1, 6, 1, false",
    "3 6 14 14 5 5 1 1 0 0 0 0 1 1, 16, 1, false",
    "3 12 9 10 3 3 1 1 1 2 0 2 2 1, 12, 2, true",
  })
  void fusedAndPlainPathsAgree(String spec, int cout, int groups, boolean permute) {
    ConvGeometry g = geometry(spec);
    Backend previous = Backends.use(new CpuBackend(2, true));
    try {
      Rng rng = new Rng(spec.hashCode());
      Tensor x = Tensor.randn(rng, g.n(), g.c(), g.h(), g.w());
      Tensor w = Tensor.randn(rng, cout, g.c() / groups, g.kh(), g.kw());
      Tensor up = Tensor.randn(rng, g.n(), cout, g.outH(), g.outW());
      assertTrue(
          Fused.conv2d(x, w, g, groups).isPresent(),
          "the CPU backend runs float32 convolution fused (needs the jdk.incubator.vector module)");

      Tensor[] fused = run(true, g, groups, x, w, up, permute);
      Tensor[] plain = run(false, g, groups, x, w, up, permute);
      String at = g + " groups=" + groups + " seed=" + spec.hashCode();
      assertBits(plain[0], fused[0], at + ": output");
      assertBits(plain[1], fused[1], at + ": ∂L/∂X");
      // Each ∂L/∂W element sums N·OH·OW products; bound the rounding by the sum of their sizes.
      Tensor sizes = run(false, g, groups, x.abs(), w, up.abs(), false)[2];
      float[] a = plain[2].toFloatArray(), b = fused[2].toFloatArray(), s = sizes.toFloatArray();
      for (int i = 0; i < a.length; i++) {
        int k = i;
        assertTrue(
            Math.abs(a[i] - b[i]) <= 1e-5 * s[i],
            () ->
                at + ": ∂L/∂W[" + k + "] plain " + a[k] + " fused " + b[k] + " (Σ|terms| " + s[k]);
      }
    } finally {
      Backends.use(previous);
    }
  }

  private static void assertBits(Tensor expected, Tensor got, String what) {
    float[] e = expected.toFloatArray(), g = got.toFloatArray();
    assertEquals(e.length, g.length, what);
    for (int i = 0; i < e.length; i++) {
      int k = i;
      assertEquals(
          Float.floatToIntBits(e[i]),
          Float.floatToIntBits(g[i]),
          () -> what + "[" + k + "]: plain " + e[k] + " fused " + g[k]);
    }
  }

  @ParameterizedTest(name = "{0} cout={1} groups={2}")
  @CsvSource({
    "2 2 5 5 3 3 1 1 1 1 1 1 1 1, 3, 1",
    "2 3 7 6 3 2 2 1 1 0 2 1 1 1, 2, 1",
    "1 4 8 7 3 3 1 2 2 2 1 1 2 2, 6, 2",
    "2 3 5 5 3 3 2 2 1 1 1 1 1 1, 3, 3",
    "3 4 4 4 1 1 2 2 0 0 0 0 1 1, 4, 4",
    "2 2 6 9 2 4 3 1 0 2 3 0 2 1, 2, 1",
  })
  void plainPathPassesGradCheckInFloat64(String spec, int cout, int groups) {
    ConvGeometry g = geometry(spec);
    Rng rng = new Rng(spec.hashCode());
    Tensor x = Tensor.randn(rng, g.n(), g.c(), g.h(), g.w()).to(DType.FLOAT64).requiresGrad(true);
    Tensor w =
        Tensor.randn(rng, cout, g.c() / groups, g.kh(), g.kw())
            .to(DType.FLOAT64)
            .requiresGrad(true);
    GradCheck.Report report =
        GradCheck.check(t -> new Convolution(g, groups, false).apply(t[0], t[1]), x, w);
    assertTrue(report.passed(), g + " groups=" + groups + "\n" + report);
  }

  /**
   * The CPU's fused kernels take float32 with SIMD only; anything else is declined before any work.
   */
  @org.junit.jupiter.api.Test
  void theFusedPathIsOfferedForFloat32WithSimdOnly() {
    assertTrue(new CpuBackend(1, true).offersConvolution(DType.FLOAT32));
    assertTrue(!new CpuBackend(1, true).offersConvolution(DType.FLOAT64));
    assertTrue(!new CpuBackend(1, false).offersConvolution(DType.FLOAT32));
    ConvGeometry g = geometry("1 2 5 5 3 3 1 1 1 1 1 1 1 1");
    Backend previous = Backends.use(new CpuBackend(1, true));
    try {
      Tensor x = Tensor.randn(new Rng(1), 1, 2, 5, 5).to(DType.FLOAT64);
      Tensor w = Tensor.randn(new Rng(2), 3, 2, 3, 3).to(DType.FLOAT64);
      assertTrue(Fused.conv2d(x, w, g, 1).isEmpty(), "float64 goes the plain way");
      assertTrue(
          Fused.conv2dBackward(Tensor.zeros(DType.FLOAT64, 1, 3, 5, 5), x, w, g, 1, true, true)
              .isEmpty());
    } finally {
      Backends.use(previous);
    }
  }
}
