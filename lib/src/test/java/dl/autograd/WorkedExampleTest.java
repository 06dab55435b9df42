package dl.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dl.DType;
import dl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The lecture's worked example J = cos(sin(x²) + 3x²), differentiated four ways. The symbolic
 * derivative is the chain rule done by hand: dJ/dx = −sin(sin(x²) + 3x²) · (cos(x²)·2x + 6x).
 */
class WorkedExampleTest {
  static double j(double x) {
    return Math.cos(Math.sin(x * x) + 3 * x * x);
  }

  static double symbolic(double x) {
    return -Math.sin(Math.sin(x * x) + 3 * x * x) * (Math.cos(x * x) * 2 * x + 6 * x);
  }

  @Test
  void fourWaysToDifferentiateAgree() {
    for (double x0 : new double[] {-1.3, 0.25, 0.7, 2.0}) {
      double eps = 1e-6;
      double finite = (j(x0 + eps) - j(x0 - eps)) / (2 * eps);

      Tensor x = Tensor.scalar(x0, DType.FLOAT64).requiresGrad(true);
      Tensor sq = x.mul(x);
      Tensor jt = sq.sin().add(sq.mul(3)).cos();
      jt.backward();
      double reverse = x.grad().item();

      Dual d = Dual.variable(x0);
      Dual dsq = d.mul(d);
      double forward = dsq.sin().add(dsq.mul(3)).cos().derivative();

      double exact = symbolic(x0);
      assertEquals(j(x0), jt.item(), 1e-15, "J(x) at " + x0);
      assertEquals(exact, reverse, 1e-12 * Math.max(1, Math.abs(exact)), "reverse mode at " + x0);
      assertEquals(exact, forward, 1e-12 * Math.max(1, Math.abs(exact)), "forward mode at " + x0);
      assertEquals(
          exact, finite, 1e-6 * Math.max(1, Math.abs(exact)), "finite differences at " + x0);
    }
  }

  @Test
  void dualNumbersFollowTheProductAndQuotientRules() {
    Dual x = Dual.variable(2.0);
    assertEquals(new Dual(10, 7), x.mul(x).add(x.mul(3)));
    Dual q = Dual.constant(1).div(x); // d(1/x)/dx = −1/x²
    assertEquals(-0.25, q.derivative(), 1e-15);
    assertEquals(Math.exp(2) * 1, x.exp().derivative(), 1e-12);
    assertEquals(0.5, x.log().derivative(), 1e-15);
  }
}
