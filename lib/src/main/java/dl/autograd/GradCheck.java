package dl.autograd;

import dl.DType;
import dl.tensor.Rng;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks analytic gradients against centered finite differences, (J(θ + εd) − J(θ − εd)) / 2ε, in
 * float64.
 *
 * <p>The function may return any shape: it is reduced to the scalar J = Σ f(x) ⊙ r with a fixed
 * random r, which checks the whole vector–Jacobian product backward computes. Inputs marked {@code
 * requiresGrad(true)} are checked; others (such as class indices) are held constant.
 *
 * <pre>{@code
 * jshell> var x = Tensor.randn(3, 4).requiresGrad(true);
 * jshell> GradCheck.check(t -> t[0].tanh().sum(1), x).passed()
 * $2 ==> true
 * }</pre>
 */
public final class GradCheck {
  public static final double DEFAULT_EPS = 1e-6;
  public static final double DEFAULT_RTOL = 1e-5;
  public static final double DEFAULT_ATOL = 1e-7;

  private GradCheck() {}

  /** The worst disagreement found for one input. */
  public record InputReport(
      int input,
      Shape shape,
      double maxAbsError,
      double maxRelError,
      int[] worstIndex,
      double analytic,
      double numeric,
      boolean passed) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "input %d %s: max abs error %.3e, max rel error %.3e%s",
          input,
          shape,
          maxAbsError,
          maxRelError,
          passed
              ? ""
              : String.format(
                  Locale.ROOT,
                  "  FAILED at index %s: analytic %.10g vs numeric %.10g",
                  Arrays.toString(worstIndex),
                  analytic,
                  numeric));
    }
  }

  /** Per-input results; {@link #passed()} when every element was within tolerance. */
  public record Report(List<InputReport> inputs, double eps, double rtol, double atol) {
    public boolean passed() {
      return inputs.stream().allMatch(InputReport::passed);
    }

    @Override
    public String toString() {
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "gradcheck (eps=%.0e, rtol=%.0e, atol=%.0e): %s%n",
                  eps,
                  rtol,
                  atol,
                  passed() ? "passed" : "FAILED"));
      for (InputReport r : inputs) sb.append("  ").append(r).append(System.lineSeparator());
      return sb.toString().stripTrailing();
    }
  }

  /** Checks with the default ε, rtol and atol. */
  public static Report check(Function<Tensor[], Tensor> f, Tensor... inputs) {
    return check(f, DEFAULT_EPS, DEFAULT_RTOL, DEFAULT_ATOL, inputs);
  }

  /** Like {@link #check} but throws an {@link AssertionError} carrying the report on failure. */
  public static Report assertGradients(Function<Tensor[], Tensor> f, Tensor... inputs) {
    Report r = check(f, inputs);
    if (!r.passed()) throw new AssertionError(r.toString());
    return r;
  }

  /** An element passes when |analytic − numeric| ≤ atol + rtol · max(|analytic|, |numeric|). */
  public static Report check(
      Function<Tensor[], Tensor> f, double eps, double rtol, double atol, Tensor... inputs) {
    boolean any = Arrays.stream(inputs).anyMatch(Tensor::requiresGrad);
    if (!any)
      throw new IllegalArgumentException(
          "gradcheck: mark the inputs to check with requiresGrad(true)");
    double[][] data = new double[inputs.length][];
    for (int i = 0; i < inputs.length; i++) data[i] = inputs[i].toDoubleArray();

    // Analytic: one backward pass with seed r gives rᵀ·∂f/∂x for every input at once.
    Tensor[] xs = materialise(inputs, data);
    Tensor out = f.apply(xs);
    Tensor r = Tensor.randn(new Rng(1234), out.shape().toArray()).float64();
    out.float64().backward(r);

    List<InputReport> reports = new ArrayList<>();
    for (int i = 0; i < inputs.length; i++) {
      if (!inputs[i].requiresGrad()) continue;
      double[] analytic =
          xs[i].grad() == null ? new double[data[i].length] : xs[i].grad().toDoubleArray();
      double worstAbs = 0, worstRel = 0, worstA = 0, worstN = 0, worstExcess = -1;
      int worst = 0;
      boolean passed = true;
      for (int k = 0; k < data[i].length; k++) {
        double saved = data[i][k];
        data[i][k] = saved + eps;
        double plus = objective(f, inputs, data, r);
        data[i][k] = saved - eps;
        double minus = objective(f, inputs, data, r);
        data[i][k] = saved;
        double numeric = (plus - minus) / (2 * eps);
        double a = analytic[k];
        double abs = Math.abs(a - numeric);
        double scale = Math.max(Math.abs(a), Math.abs(numeric));
        double rel = scale == 0 ? 0 : abs / scale;
        double excess = abs - (atol + rtol * scale);
        boolean ok = excess <= 0 || (Double.isNaN(a) && Double.isNaN(numeric));
        passed &= ok && !Double.isNaN(abs);
        worstAbs = Math.max(worstAbs, abs);
        worstRel = Math.max(worstRel, rel);
        if (excess > worstExcess || Double.isNaN(abs)) {
          worstExcess = Double.isNaN(abs) ? Double.POSITIVE_INFINITY : excess;
          worst = k;
          worstA = a;
          worstN = numeric;
        }
      }
      reports.add(
          new InputReport(
              i,
              inputs[i].shape(),
              worstAbs,
              worstRel,
              unravel(worst, inputs[i].shape()),
              worstA,
              worstN,
              passed));
    }
    return new Report(reports, eps, rtol, atol);
  }

  private static double objective(
      Function<Tensor[], Tensor> f, Tensor[] inputs, double[][] data, Tensor r) {
    try (NoGrad scope = NoGrad.enter()) {
      return f.apply(materialise(inputs, data)).float64().mul(r).sum().item();
    }
  }

  /** Fresh float64 leaves for the checked inputs; constants keep their dtype. */
  private static Tensor[] materialise(Tensor[] inputs, double[][] data) {
    Tensor[] xs = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      int[] shape = inputs[i].shape().toArray();
      Tensor t = Tensor.fromArray(data[i], shape);
      xs[i] =
          inputs[i].requiresGrad()
              ? t.requiresGrad(true)
              : (inputs[i].dtype() == DType.FLOAT64 ? t : t.float32());
    }
    return xs;
  }

  private static int[] unravel(int flat, Shape shape) {
    int[] idx = new int[shape.rank()];
    for (int d = shape.rank() - 1; d >= 0; d--) {
      idx[d] = flat % Math.max(shape.get(d), 1);
      flat /= Math.max(shape.get(d), 1);
    }
    return idx;
  }
}
