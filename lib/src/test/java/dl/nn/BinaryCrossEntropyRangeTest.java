package dl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.nn.functional.F;
import dl.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BinaryCrossEntropyRangeTest {
  @Test
  void aProbabilityOutsideZeroOneIsAnError() {
    // 1.5 used to be clamped to 1 − 1e-7 and give a tiny loss for target 1.
    for (double bad : new double[] {1.5, -0.1, Double.NaN}) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> F.binaryCrossEntropy(Tensor.of(0.5, bad), Tensor.of(1, 1)),
              "p = " + bad);
      assertTrue(e.getMessage().contains("must be in [0, 1]"), e.getMessage());
      assertTrue(e.getMessage().contains("binaryCrossEntropyWithLogits"), e.getMessage());
    }
  }

  @Test
  void theEndsOfTheRangeAreFine() {
    double loss = F.binaryCrossEntropy(Tensor.of(0, 1), Tensor.of(0, 1)).item();
    assertEquals(0, loss, 1e-6);
  }
}
