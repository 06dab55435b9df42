package dl.autograd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.autograd.GradCheck;
import dl.backend.Backend;
import dl.backend.Backends;
import dl.backend.cpu.CpuBackend;
import dl.tensor.Fused;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BatchNormOp}'s two paths: the plain one written in the op in tensor ops and the CPU
 * backend's fused per-channel kernels. They group the same arithmetic differently ((x − μ)·(γs) + β
 * against γ·((x − μ)·s) + β), so they agree to float32 rounding, in training and in evaluation, for
 * the statistics, the output and all three gradients. The plain path's gradients are checked in
 * float64 against finite differences.
 */
class BatchNormPathsTest {

  private static int[] shape(String dims) {
    return Arrays.stream(dims.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /** μ, σ², y, ∂L/∂x, ∂L/∂γ, ∂L/∂β of one path for ∂L/∂y = {@code up}. */
  private static Tensor[] run(
      boolean fused, boolean training, Tensor x, Tensor gamma, Tensor beta, Tensor up) {
    Tensor[] moments = BatchNormOp.moments(x, fused);
    Tensor mean = training ? moments[0] : moments[0].mul(0.5); // eval: other constants
    Tensor invStd = moments[1].add(1e-5).sqrt().reciprocal();
    Tensor xi = x.detach().requiresGrad(true);
    Tensor gi = gamma.detach().requiresGrad(true), bi = beta.detach().requiresGrad(true);
    Tensor y = new BatchNormOp(mean, invStd, training, fused).apply(xi, gi, bi);
    y.backward(up);
    return new Tensor[] {moments[0], moments[1], y, xi.grad(), gi.grad(), bi.grad()};
  }

  @ParameterizedTest(name = "x [{0}]")
  @ValueSource(strings = {"8,3", "4,5,7", "6,4,5,5", "32,16,8,8"})
  void fusedAndPlainPathsAgree(String dims) {
    int[] shape = shape(dims);
    Backend previous = Backends.use(new CpuBackend(2, true));
    try {
      Rng rng = new Rng(dims.hashCode());
      int c = shape[1];
      Tensor x = Tensor.randn(rng, shape).mul(2).add(3);
      Tensor gamma = Tensor.randn(rng, c), beta = Tensor.randn(rng, c);
      Tensor up = Tensor.randn(rng, shape);
      assertTrue(Fused.channelMoments(x).isPresent(), "the CPU backend fuses batch norm");
      String[] names = {"mean", "variance", "output", "∂L/∂x", "∂L/∂γ", "∂L/∂β"};
      for (boolean training : new boolean[] {true, false}) {
        Tensor[] fused = run(true, training, x, gamma, beta, up);
        Tensor[] plain = run(false, training, x, gamma, beta, up);
        for (int t = 0; t < names.length; t++) {
          float[] e = plain[t].toFloatArray(), g = fused[t].toFloatArray();
          assertEquals(e.length, g.length, names[t]);
          for (int i = 0; i < e.length; i++) {
            int k = i, which = t;
            assertTrue(
                Math.abs(e[i] - g[i]) <= 1e-5 * Math.max(1, Math.abs(e[i])),
                () ->
                    "x ["
                        + dims
                        + "] training="
                        + training
                        + " "
                        + names[which]
                        + "["
                        + k
                        + "]: plain "
                        + e[k]
                        + " fused "
                        + g[k]);
          }
        }
      }
    } finally {
      Backends.use(previous);
    }
  }

  @ParameterizedTest(name = "x [{0}]")
  @ValueSource(strings = {"6,3", "3,2,5", "2,3,3,4"})
  void plainPathPassesGradCheckInFloat64(String dims) {
    int[] shape = shape(dims);
    Rng rng = new Rng(dims.hashCode());
    int c = shape[1];
    Tensor x = Tensor.randn(rng, shape).to(DType.FLOAT64).requiresGrad(true);
    Tensor gamma = Tensor.randn(rng, c).to(DType.FLOAT64).requiresGrad(true);
    Tensor beta = Tensor.randn(rng, c).to(DType.FLOAT64).requiresGrad(true);
    // Training: μ and σ² come from the x being perturbed, as the training backward assumes.
    GradCheck.Report training =
        GradCheck.check(
            t -> {
              Tensor[] m = BatchNormOp.moments(t[0], false);
              Tensor invStd = m[1].add(1e-5).sqrt().reciprocal();
              return new BatchNormOp(m[0], invStd, true, false).apply(t[0], t[1], t[2]);
            },
            x,
            gamma,
            beta);
    assertTrue(training.passed(), "training, x [" + dims + "]\n" + training);
    // Evaluation: μ and s are constants.
    Tensor mean = Tensor.randn(rng, c).to(DType.FLOAT64);
    Tensor invStd = Tensor.rand(rng, c).add(0.5).to(DType.FLOAT64);
    GradCheck.Report evaluation =
        GradCheck.check(
            t -> new BatchNormOp(mean, invStd, false, false).apply(t[0], t[1], t[2]),
            x,
            gamma,
            beta);
    assertTrue(evaluation.passed(), "evaluation, x [" + dims + "]\n" + evaluation);
  }
}
