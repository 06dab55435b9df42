package dl.autograd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NoGradBackwardTest {
  @Test
  void backwardAfterAForwardUnderNoGradSaysSo() {
    Tensor w = Tensor.of(1, 2).requiresGrad(true);
    Tensor y;
    try (NoGrad scope = NoGrad.enter()) {
      y = w.mul(w);
    }
    Tensor loss = y.sum(); // outside NoGrad, but its input has no graph
    var e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("inside a NoGrad scope"), e.getMessage());
    // The old advice, "call requiresGrad(true) on an input", would be wrong: w already has it.
    assertFalse(e.getMessage().contains("call requiresGrad(true)"), e.getMessage());
  }

  @Test
  void aConstantStillGetsTheRequiresGradAdvice() {
    var e = assertThrows(IllegalStateException.class, () -> Tensor.of(1, 2).sum().backward());
    assertTrue(e.getMessage().contains("requiresGrad(true)"), e.getMessage());
  }
}
