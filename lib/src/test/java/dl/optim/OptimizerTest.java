package dl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dl.DType;
import dl.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule checked against steps computed by hand for E(w) = ½·Σ c·w², whose gradient is c·w. */
class OptimizerTest {
  static Tensor w0() {
    return Tensor.of(1.0, -2.0).float64().requiresGrad(true);
  }

  static final Tensor C = Tensor.of(2.0, 0.5).float64();

  static void backward(Tensor w) {
    w.zeroGrad();
    w.mul(w).mul(C).sum().mul(0.5).backward();
  }

  @Test
  void sgdMomentumFollowsTheLectureForm() {
    Tensor w = w0();
    var opt = new SGD(List.of(w), 0.1).momentum(0.9);
    backward(w); // g = (2, -1)
    opt.step(); // Δ1 = 0.1·g = (0.2, -0.1); w = (0.8, -1.9)
    assertArrayEquals(new double[] {0.8, -1.9}, w.toDoubleArray(), 1e-12);
    backward(w); // g = (1.6, -0.95)
    opt.step(); // Δ2 = 0.1·g + 0.9·Δ1 = (0.34, -0.185); w = (0.46, -1.715)
    assertArrayEquals(new double[] {0.46, -1.715}, w.toDoubleArray(), 1e-12);
  }

  @Test
  void nesterovLooksAhead() {
    Tensor w = w0();
    var opt = new SGD(List.of(w), 0.1).momentum(0.9).nesterov(true);
    backward(w);
    opt.step(); // Δ1 = (0.2, -0.1); w −= 0.1·g + 0.9·Δ1 = (0.38, -0.19) → (0.62, -1.81)
    assertArrayEquals(new double[] {0.62, -1.81}, w.toDoubleArray(), 1e-12);
  }

  @Test
  void weightDecayAddsLambdaW() {
    Tensor w = w0();
    var opt = new SGD(List.of(w), 0.1).weightDecay(0.5);
    backward(w); // g + λw = (2 + 0.5, -1 - 1) = (2.5, -2)
    opt.step();
    assertArrayEquals(new double[] {0.75, -1.8}, w.toDoubleArray(), 1e-12);
  }

  @Test
  void adamFirstStepIsLrTimesSignOfGradient() {
    Tensor w = w0();
    var opt = new Adam(List.of(w), 0.01);
    backward(w);
    opt.step(); // m̂ = g, v̂ = g², so the step is η·g/(|g| + ε)
    assertArrayEquals(
        new double[] {1 - 0.01 * 2 / (2 + 1e-8), -2 + 0.01 * 1 / (1 + 1e-8)},
        w.toDoubleArray(),
        1e-12);
    backward(w); // g2 = (2·0.99, -0.5·1.99)
    opt.step();
    double g1 = 2, g2 = 2 * (1 - 0.01 * 2 / (2 + 1e-8));
    double m = (0.1 * g1 * 0.9 + 0.1 * g2) / (1 - 0.81),
        v = (0.001 * g1 * g1 * 0.999 + 0.001 * g2 * g2) / (1 - 0.999 * 0.999);
    assertEquals(
        1 - 0.01 * 2 / (2 + 1e-8) - 0.01 * m / (Math.sqrt(v) + 1e-8), w.toDoubleArray()[0], 1e-12);
  }

  @Test
  void rmsPropScalesByRootMeanSquare() {
    Tensor w = w0();
    var opt = new RMSProp(List.of(w), 0.01);
    backward(w); // v = 0.01·g², step = η·g/(0.1·|g| + ε) = 0.1·sign(g)
    opt.step();
    assertArrayEquals(new double[] {0.9, -1.9}, w.toDoubleArray(), 1e-6);
  }

  @Test
  void descentActuallyMinimises() {
    for (var make :
        List.<java.util.function.Function<Tensor, Optimizer>>of(
            w -> new SGD(List.of(w), 0.1).momentum(0.9),
            w -> new Adam(List.of(w), 0.1),
            w -> new RMSProp(List.of(w), 0.01))) {
      Tensor w = w0();
      Optimizer opt = make.apply(w);
      for (int i = 0; i < 300; i++) {
        backward(w);
        opt.step();
      }
      assertArrayEquals(
          new double[] {0, 0}, w.toDoubleArray(), 0.05, opt.getClass().getSimpleName());
    }
  }

  @Test
  void schedulesFollowTheirFormulas() {
    Tensor w = w0();
    var opt = new SGD(List.of(w), 1.0);
    var step = new StepLR(opt, 2, 0.5);
    double[] seen = new double[5];
    for (int t = 0; t < 5; t++) {
      seen[t] = opt.lr();
      step.step();
    }
    assertArrayEquals(new double[] {1, 1, 0.5, 0.5, 0.25}, seen, 1e-12);

    var opt2 = new SGD(List.of(w0()), 1.0);
    var warm = new WarmupLR(opt2, 4, new CosineAnnealingLR(opt2, 10, 0.0));
    assertEquals(0.25, opt2.lr(), 1e-12);
    for (int t = 0; t < 4; t++) warm.step();
    assertEquals(1.0, opt2.lr(), 1e-12);
    for (int t = 0; t < 5; t++) warm.step();
    assertEquals(0.5, opt2.lr(), 1e-12); // halfway through the cosine
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w0()), -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SGD(List.of(Tensor.zeros(DType.FLOAT64, 2)), 0.1));
    assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w0()), 0.1).momentum(1.5));
  }
}
