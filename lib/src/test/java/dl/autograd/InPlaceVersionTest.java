package dl.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.nn.BatchNorm2d;
import dl.nn.Linear;
import dl.optim.SGD;
import dl.tensor.Tensor;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's in-place rule: a tensor saved for backward and changed in place before backward makes
 * backward fail, naming the op and the tensor, instead of returning gradients computed from the new
 * values.
 */
class InPlaceVersionTest {

  /** Every in-place method of Tensor, applied to a [2] float32 tensor. */
  static Stream<Arguments> inPlaceMethods() {
    return Stream.of(
        Arguments.of("addInPlace", (Consumer<Tensor>) t -> t.addInPlace(Tensor.of(1, 1))),
        Arguments.of("addInPlace(alpha)", (Consumer<Tensor>) t -> t.addInPlace(Tensor.of(1, 1), 2)),
        Arguments.of("subInPlace", (Consumer<Tensor>) t -> t.subInPlace(Tensor.of(1, 1))),
        Arguments.of("mulInPlace", (Consumer<Tensor>) t -> t.mulInPlace(Tensor.of(2, 2))),
        Arguments.of("mulInPlace(double)", (Consumer<Tensor>) t -> t.mulInPlace(2)),
        Arguments.of("copyFrom", (Consumer<Tensor>) t -> t.copyFrom(Tensor.of(7, 8))),
        Arguments.of("fillInPlace", (Consumer<Tensor>) t -> t.fillInPlace(5)),
        Arguments.of("zeroInPlace", (Consumer<Tensor>) Tensor::zeroInPlace));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inPlaceMethods")
  void everyInPlaceMethodBumpsTheVersion(String name, Consumer<Tensor> method) {
    Tensor t = Tensor.of(1, 2);
    assertEquals(0, t.version());
    method.accept(t);
    assertEquals(1, t.version(), name + " must count as an in-place change");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inPlaceMethods")
  void changingASavedConstantBeforeBackwardFails(String name, Consumer<Tensor> method) {
    Tensor w = Tensor.of(1, 2).requiresGrad(true);
    Tensor c = Tensor.of(3, 4); // a constant: in-place changes are allowed, but Mul saved it
    Tensor y = w.mul(c).sum();
    method.accept(c);
    var e = assertThrows(IllegalStateException.class, y::backward, name);
    assertTrue(
        e.getMessage()
            .contains(
                "one of the variables needed for gradient computation has been modified by an"
                    + " inplace operation: Mul saved input 1 [2], version 1, expected 0"),
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inPlaceMethods")
  void changingASavedParameterUnderNoGradBeforeBackwardFails(String name, Consumer<Tensor> method) {
    Tensor w = Tensor.of(1, 2).requiresGrad(true);
    Tensor y = w.mul(w).sum();
    try (NoGrad scope = NoGrad.enter()) {
      method.accept(w);
    }
    var e = assertThrows(IllegalStateException.class, y::backward, name);
    assertTrue(
        e.getMessage().contains("Mul saved input 0 [2], version 1, expected 0"), e.getMessage());
  }

  @Test
  void withoutTheCheckTheGradientWouldSilentlyUseTheNewValues() {
    // d/dw Σ w·c = c = [3, 4]; after c ← [7, 8] a version-blind engine would answer [7, 8].
    Tensor w = Tensor.of(1, 2).requiresGrad(true);
    Tensor c = Tensor.of(3, 4);
    Tensor y = w.mul(c).sum();
    y.backward();
    assertArrayEquals(new double[] {3, 4}, w.grad().toDoubleArray(), 0);
  }

  @Test
  void anOptimizerStepBetweenForwardAndBackwardFails() {
    Tensor.manualSeed(1);
    Linear layer = new Linear(3, 2);
    SGD opt = new SGD(layer.parameters(), 0.1);
    Tensor loss = layer.forward(Tensor.ones(4, 3)).square().sum();
    loss.backward(Tensor.scalar(1), true); // gradients exist, graph kept
    opt.step(); // w changes in place while the graph still holds it
    var e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("MatMul saved input 1 [3,2]"), e.getMessage());
    assertTrue(e.getMessage().contains("version 1, expected 0"), e.getMessage());
  }

  @Test
  void changingAViewOfASavedTensorFails() {
    // The version lives on the memory: a reshape shares it, so changing the view changes the base.
    Tensor w = Tensor.of(1, 2, 3, 4).requiresGrad(true);
    Tensor c = Tensor.of(1, 1, 1, 1);
    Tensor y = w.mul(c).sum();
    c.reshape(2, 2).fillInPlace(3);
    assertEquals(1, c.version());
    assertThrows(IllegalStateException.class, y::backward);
  }

  @Test
  void changingASavedOutputFails() {
    Tensor x = Tensor.of(0, 1).requiresGrad(true);
    Tensor z = x.exp(); // Exp saves its output
    Tensor y = z.sum();
    try (NoGrad scope = NoGrad.enter()) {
      z.mulInPlace(2);
    }
    var e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(
        e.getMessage().contains("Exp saved output [2], version 1, expected 0"), e.getMessage());
  }

  @Test
  void evaluationBatchNormCatchesAChangedRunningMean() {
    BatchNorm2d bn = new BatchNorm2d(2);
    bn.eval();
    Tensor x = Tensor.randn(2, 2, 3, 3).requiresGrad(true);
    Tensor y = bn.forward(x).sum();
    bn.train();
    bn.forward(Tensor.randn(2, 2, 3, 3)); // updates the running statistics in place
    var e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().contains("BatchNorm saved"), e.getMessage());
  }

  @Test
  void changesBeforeForwardOrAfterBackwardAreFine() {
    Tensor w = Tensor.of(1, 2).requiresGrad(true);
    Tensor c = Tensor.of(3, 4);
    c.addInPlace(Tensor.of(1, 1)); // version 1 before the op saves it: recorded as 1
    Tensor y = w.mul(c).sum();
    y.backward();
    assertArrayEquals(new double[] {4, 5}, w.grad().toDoubleArray(), 0);
    c.addInPlace(Tensor.of(1, 1)); // after backward nothing is checked any more
    assertEquals(2, c.version());
  }

  @Test
  void opsThatSaveNothingDoNotCare() {
    // Add's gradient does not depend on its inputs, so PyTorch (and we) allow changing them.
    Tensor w = Tensor.of(1, 2).requiresGrad(true);
    Tensor c = Tensor.of(3, 4);
    Tensor y = w.add(c).sum();
    c.fillInPlace(0);
    y.backward();
    assertArrayEquals(new double[] {1, 1}, w.grad().toDoubleArray(), 0);
  }

  @Test
  void detachSharesTheVersion() {
    Tensor w = Tensor.of(1, 2).requiresGrad(true);
    Tensor y = w.mul(w).sum();
    w.detach().fillInPlace(0);
    assertEquals(1, w.version());
    assertThrows(IllegalStateException.class, y::backward);
  }

  @Test
  void convertingASavedTensorToAnotherDtypeInPlaceIsCaughtToo() {
    Tensor w = Tensor.of(1, 2, 3).requiresGrad(true);
    Tensor loss = w.mul(w).sum();
    w.toInPlace(dl.DType.FLOAT64); // rounds nothing here, but the values are new storage
    RuntimeException e = assertThrows(RuntimeException.class, loss::backward);
    assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
  }
}
