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
 * CPU backend's fused image-by-image kernels. Both multiply in the same order for the output, so it
 * agrees bit for bit, and for ∂L/∂X except where the CPU computes it as one forward convolution
 * (stride 1, channels per group in eights or six); they add ∂L/∂W's N·OH·OW products in different
 * orders. What differs in order agrees to float32 rounding. The plain path's gradients are checked
 * in float64 against finite differences (the fused kernels take float32 only).
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
    // strides above 1 with output channels in eights (forward from polyphase planes) and 8 or
    // more channels per group (∂L/∂X phase by phase where the kernel reaches every phase), except
    // the 1×1 shortcuts (the subsampled image, PointwiseConv) and ∂L/∂X of stride 2 with dilation
    // 2: ResNet-8's layers and shortcuts, odd sizes, uneven padding, padding past the kernel's
    // reach, channels not a multiple of 8, dilation, groups, different strides down and across,
    // stride 3, then 1×1 shortcuts with odd sizes and a permuted input, stride 3 across, groups
    "4 16 28 28 3 3 2 2 1 1 1 1 1 1, 32, 1, false",
    "3 32 14 14 3 3 2 2 1 1 1 1 1 1, 64, 1, true",
    "4 16 28 28 1 1 2 2 0 0 0 0 1 1, 32, 1, false",
    "3 32 14 14 1 1 2 2 0 0 0 0 1 1, 64, 1, false",
    "3 12 9 11 3 3 2 2 2 0 1 2 1 1, 8, 1, true",
    "2 10 13 10 3 3 2 2 2 1 0 2 2 2, 16, 1, false",
    "2 18 10 9 3 3 2 2 1 1 1 1 1 1, 16, 2, false",
    "2 8 5 6 2 2 2 2 3 2 3 1 1 1, 8, 1, false",
    "2 9 9 10 3 3 2 1 1 1 1 1 1 1, 8, 1, false",
    "2 16 11 12 4 3 1 3 2 1 1 2 1 2, 24, 2, false",
    "2 8 11 13 4 4 3 3 1 2 2 1 1 1, 8, 1, false",
    "5 17 11 13 1 1 2 2 0 0 0 0 1 1, 40, 1, true",
    "3 12 10 9 1 1 1 3 0 0 0 0 1 1, 8, 2, false",
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
      if (inputGradientIsOneChain(g, groups))
        assertRounding(
            plain[1],
            fused[1],
            run(false, g, groups, x, w.abs(), up.abs(), false)[1],
            at + ": ∂L/∂X");
      else assertBits(plain[1], fused[1], at + ": ∂L/∂X");
      // Each ∂L/∂W element sums N·OH·OW products; bound the rounding by the sum of their sizes.
      assertRounding(
          plain[2],
          fused[2],
          run(false, g, groups, x.abs(), w, up.abs(), false)[2],
          at + ": ∂L/∂W");
    } finally {
      Backends.use(previous);
    }
  }

  /**
   * Whether the CPU computes ∂L/∂X as the forward convolution of ∂L/∂Y with the flipped kernel (one
   * fma chain over the output channels and kernel offsets together; the plain path sums the
   * offsets' products in fold's order): stride 1, input channels per group a multiple of 8 or six
   * (LeNet's c3), no side padded beyond the kernel's reach.
   */
  private static boolean inputGradientIsOneChain(ConvGeometry g, int groups) {
    int reachH = g.dilationH() * (g.kh() - 1), reachW = g.dilationW() * (g.kw() - 1);
    return g.strideH() == 1
        && g.strideW() == 1
        && ((g.c() / groups) % 8 == 0 || g.c() / groups == 6)
        && Math.max(g.padTop(), g.padBottom()) <= reachH
        && Math.max(g.padLeft(), g.padRight()) <= reachW;
  }

  /** Each element within float32 rounding of a sum whose terms' sizes add up to {@code sizes}. */
  private static void assertRounding(Tensor expected, Tensor got, Tensor sizes, String what) {
    float[] a = expected.toFloatArray(), b = got.toFloatArray(), s = sizes.toFloatArray();
    assertEquals(a.length, b.length, what);
    for (int i = 0; i < a.length; i++) {
      int k = i;
      assertTrue(
          Math.abs(a[i] - b[i]) <= 1e-5 * s[i],
          () -> what + "[" + k + "] plain " + a[k] + " fused " + b[k] + " (Σ|terms| " + s[k] + ")");
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
   * A bias given to the op is added in place and gets ∂L/∂Y summed back to [1, C_out, 1, 1]: the
   * same bits, forward and backward, as the separate broadcast add it replaces, on both paths.
   */
  @ParameterizedTest(name = "{0} cout={1} fused={2}")
  @CsvSource({
    "3 1 28 28 5 5 1 1 2 2 2 2 1 1, 6, true",
    "3 6 14 14 5 5 1 1 0 0 0 0 1 1, 16, true",
    "4 16 28 28 3 3 2 2 1 1 1 1 1 1, 32, true",
    "5 3 7 9 3 2 2 1 1 0 2 1 1 1, 4, false",
  })
  void aBiasInTheOpMatchesASeparateAdd(String spec, int cout, boolean fused) {
    ConvGeometry g = geometry(spec);
    Backend previous = Backends.use(new CpuBackend(2, true));
    try {
      Rng rng = new Rng(spec.hashCode());
      Tensor x = Tensor.randn(rng, g.n(), g.c(), g.h(), g.w());
      Tensor w = Tensor.randn(rng, cout, g.c(), g.kh(), g.kw());
      Tensor b = Tensor.randn(rng, cout);
      Tensor up = Tensor.randn(rng, g.n(), cout, g.outH(), g.outW());
      Tensor[] inOp = withBias(true, fused, g, x, w, b, up),
          apart = withBias(false, fused, g, x, w, b, up);
      String[] what = {"output", "∂L/∂X", "∂L/∂W", "∂L/∂b"};
      for (int i = 0; i < 4; i++) assertBits(apart[i], inOp[i], g + ": " + what[i]);
    } finally {
      Backends.use(previous);
    }
  }

  /** Output and gradients with the bias added by the op ({@code inOp}) or by an add after it. */
  private static Tensor[] withBias(
      boolean inOp, boolean fused, ConvGeometry g, Tensor x, Tensor w, Tensor b, Tensor up) {
    Tensor xi = x.detach().requiresGrad(true), wi = w.detach().requiresGrad(true);
    Tensor bi = b.detach().requiresGrad(true), b4 = bi.reshape(1, b.size(0), 1, 1);
    Convolution conv = new Convolution(g, 1, fused);
    Tensor y = inOp ? conv.apply(xi, wi, b4) : conv.apply(xi, wi).add(b4);
    y.backward(up);
    return new Tensor[] {y, xi.grad(), wi.grad(), bi.grad()};
  }

  @org.junit.jupiter.api.Test
  void aBiasInTheOpPassesGradCheckInFloat64() {
    ConvGeometry g = geometry("2 3 7 6 3 2 2 1 1 0 2 1 1 1");
    Rng rng = new Rng(5);
    Tensor x = Tensor.randn(rng, 2, 3, 7, 6).to(DType.FLOAT64).requiresGrad(true);
    Tensor w = Tensor.randn(rng, 4, 3, 3, 2).to(DType.FLOAT64).requiresGrad(true);
    Tensor b = Tensor.randn(rng, 4).to(DType.FLOAT64).requiresGrad(true);
    GradCheck.Report report =
        GradCheck.check(
            t -> new Convolution(g, 1, false).apply(t[0], t[1], t[2].reshape(1, 4, 1, 1)), x, w, b);
    assertTrue(report.passed(), report.toString());
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
