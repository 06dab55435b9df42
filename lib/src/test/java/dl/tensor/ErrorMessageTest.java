package dl.tensor;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input fails early with an {@link IllegalArgumentException} (or {@link IllegalStateException}
 * for misuse of the graph) whose message names the op the user called and the shapes involved,
 * never with an ArrayIndexOutOfBoundsException from deep inside a kernel.
 */
class ErrorMessageTest {

  /**
   * Asserts {@code call} throws exactly an IllegalArgumentException whose message contains every
   * fragment.
   */
  private static IllegalArgumentException assertIllegalArgument(
      Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertContains(e, fragments);
    return e;
  }

  private static void assertContains(Exception e, String... fragments) {
    String m = String.valueOf(e.getMessage());
    for (String f : fragments)
      assertTrue(m.contains(f), () -> "message should contain \"" + f + "\" but was: " + m);
  }

  // ---------------------------------------------------------------- matmul

  @Test
  void matmulWithMismatchedInnerDimensionsNamesBothShapes() {
    assertIllegalArgument(
        () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)),
        "matmul",
        "[2,3]",
        "[4,5]",
        "inner dimensions 3 and 4 differ");
  }

  @Test
  void matmulOfAVectorWithAMismatchedMatrixNamesTheShapesTheUserPassed() {
    // The user passed a [3] vector; the message should not show the internal [1,3] lifting.
    assertIllegalArgument(
        () -> Tensor.zeros(3).matmul(Tensor.zeros(4, 5)), "matmul", "[3]", "[4,5]", "3 and 4");
    assertIllegalArgument(
        () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4)), "matmul", "[2,3]", "[4]", "3 and 4");
  }

  @Test
  void matmulWithBatchAxesThatDoNotBroadcastSaysSo() {
    assertIllegalArgument(
        () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(5, 4, 2)),
        "matmul",
        "[2,3,4]",
        "[5,4,2]",
        "batch");
  }

  @Test
  void matmulWithA0DOperandFails() {
    assertIllegalArgument(() -> Tensor.scalar(2).matmul(Tensor.zeros(2, 2)), "matmul", "[2,2]");
  }

  // ---------------------------------------------------------------- broadcasting

  @Test
  void addWithNonBroadcastableShapesNamesBothShapes() {
    assertIllegalArgument(
        () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)), "add", "[2,3]", "[4]", "broadcast");
    assertIllegalArgument(
        () -> Tensor.zeros(2, 3, 4).add(Tensor.zeros(3, 1, 4)), "add", "[2,3,4]", "[3,1,4]");
  }

  static Stream<Arguments> binaryOps() {
    return Stream.of(
        Arguments.of("add", (BinaryOperator<Tensor>) Tensor::add),
        Arguments.of("sub", (BinaryOperator<Tensor>) Tensor::sub),
        Arguments.of("mul", (BinaryOperator<Tensor>) Tensor::mul),
        Arguments.of("div", (BinaryOperator<Tensor>) Tensor::div),
        Arguments.of("pow", (BinaryOperator<Tensor>) Tensor::pow),
        Arguments.of("maximum", (BinaryOperator<Tensor>) Tensor::maximum),
        Arguments.of("minimum", (BinaryOperator<Tensor>) Tensor::minimum),
        Arguments.of("gt", (BinaryOperator<Tensor>) Tensor::gt),
        Arguments.of("eq", (BinaryOperator<Tensor>) Tensor::eq));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryOps")
  void binaryOpWithIncompatibleShapesNamesItselfAndBothShapesInOrder(
      String name, BinaryOperator<Tensor> op) {
    IllegalArgumentException e =
        assertIllegalArgument(() -> op.apply(Tensor.ones(2, 3), Tensor.ones(4)), "[2,3]", "[4]");
    String m = e.getMessage();
    // "max:" is an acceptable short name for maximum; any other op's name misleads the user.
    boolean named = m.startsWith(name + ":") || (name.equals("maximum") && m.startsWith("max:"));
    assertTrue(named, () -> "message should start with \"" + name + ":\" but was: " + m);
    assertTrue(
        m.indexOf("[2,3]") < m.indexOf("[4]"),
        () -> "shapes should appear in the order the user gave them: " + m);
  }

  @Test
  void whereWithIncompatibleShapesNamesWhere() {
    assertIllegalArgument(
        () -> Tensor.where(Tensor.ones(3), Tensor.ones(2, 3), Tensor.ones(4)), "where", "[4]");
  }

  @Test
  void expandToAnIncompatibleShapeNamesExpandAndBothShapes() {
    assertIllegalArgument(() -> Tensor.zeros(3).expand(2, 4), "expand", "[3]", "[2,4]");
  }

  @Test
  void inPlaceOpThatWouldGrowItsTargetNamesItself() {
    assertIllegalArgument(
        () -> Tensor.zeros(3).mulInPlace(Tensor.zeros(2, 3)), "mulInPlace", "[3]", "[2,3]");
    assertIllegalArgument(
        () -> Tensor.zeros(3).copyFrom(Tensor.zeros(4)), "copyFrom", "[3]", "[4]");
  }

  // ---------------------------------------------------------------- shapes and views

  @Test
  void reshapeToTheWrongNumberOfElementsNamesBothShapes() {
    assertIllegalArgument(
        () -> Tensor.zeros(2, 3).reshape(4, 2), "reshape", "[2,3]", "[4,2]", "6", "8");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).reshape(-1, 4), "reshape", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).reshape(-1, -1), "reshape", "-1");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).reshape(-2, 3), "reshape", "-2");
  }

  @Test
  void fromArrayWithTheWrongNumberOfValuesNamesTheShape() {
    assertIllegalArgument(() -> Tensor.fromArray(new float[5], 2, 3), "fromArray", "5", "[2,3]");
    assertIllegalArgument(() -> Tensor.of(new double[][] {{1, 2}, {3}}), "Tensor.of", "row 1");
  }

  @Test
  void permuteWithARepeatedAxisNamesPermuteAndTheShape() {
    assertIllegalArgument(
        () -> Tensor.zeros(2, 3, 4).permute(0, 0, 1), "permute", "[2,3,4]", "axis 0");
    assertIllegalArgument(() -> Tensor.zeros(2, 3, 4).permute(0, -3, 1), "permute", "[2,3,4]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3, 4).permute(1, 0), "permute", "[2,3,4]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).permute(0, 2), "permute", "axis 2", "[2,3]");
  }

  @Test
  void sliceOutOfBoundsNamesTheAxisAndShape() {
    assertIllegalArgument(() -> Tensor.zeros(2, 3).slice(1, 0, 5), "slice", "axis 1", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).slice(1, 2, 1), "slice", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).slice(0, 0, 2, 0), "slice", "step");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).slice(2, 0, 1), "slice", "axis 2", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).narrow(1, 2, 2), "[2,3]");
  }

  @Test
  void selectSqueezeAndGetOutOfRangeNameTheOp() {
    assertIllegalArgument(() -> Tensor.zeros(2, 3).select(1, 3), "select", "index 3", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).select(0, -3), "select", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).squeeze(1), "squeeze", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).unsqueeze(4), "unsqueeze", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).get(0, 3), "get", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).get(0), "get", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3, 4).t(), "t:", "[2,3,4]");
  }

  @Test
  void viewOfANonContiguousTensorNamesView() {
    assertIllegalArgument(() -> Tensor.zeros(2, 3).t().view(6), "view", "[3,2]", "contiguous");
  }

  @Test
  void catWithMismatchedShapesNamesBothShapes() {
    assertIllegalArgument(
        () -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)), "cat", "[2,3]", "[2,4]");
    assertIllegalArgument(
        () -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(3)), "cat", "[2,3]", "[3]");
    assertIllegalArgument(
        () -> Tensor.cat(2, Tensor.zeros(2, 3), Tensor.zeros(2, 3)), "cat", "axis 2");
    assertIllegalArgument(
        () -> Tensor.stack(0, Tensor.zeros(2, 3), Tensor.zeros(3, 2)), "stack", "[2,3]", "[3,2]");
    assertIllegalArgument(() -> Tensor.cat(0), "cat");
  }

  // ---------------------------------------------------------------- reductions

  @Test
  void sumOverAnAxisOutOfRangeNamesSumTheAxisAndTheShape() {
    assertIllegalArgument(() -> Tensor.zeros(2, 3).sum(2), "sum", "axis 2", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).sum(-3), "sum", "axis -3", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).sum(new int[] {0, -2}, false), "sum", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).max(5), "max", "axis 5", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).argmax(2), "argmax", "axis 2", "[2,3]");
    assertIllegalArgument(() -> Tensor.zeros(2, 3).softmax(2), "axis 2", "[2,3]");
  }

  @Test
  void meanAndVarOverAnAxisOutOfRangeNameThemselves() {
    // mean and var are composed from sum; the user called mean/var, so that is what the message
    // should say.
    IllegalArgumentException mean =
        assertIllegalArgument(() -> Tensor.zeros(2, 3).mean(5), "axis 5", "[2,3]");
    assertTrue(mean.getMessage().startsWith("mean:"), mean.getMessage());
    IllegalArgumentException var =
        assertIllegalArgument(
            () -> Tensor.zeros(2, 3).var(new int[] {5}, false, true), "axis 5", "[2,3]");
    assertTrue(var.getMessage().startsWith("var:"), var.getMessage());
  }

  // ---------------------------------------------------------------- gather and item

  @Test
  void gatherWithAnOutOfRangeIndexNamesGatherTheIndexAndTheAxisSize() {
    Tensor x = Tensor.zeros(2, 3);
    assertIllegalArgument(
        () -> x.gather(1, Tensor.of(new double[][] {{0}, {5}})), "gather", "index 5", "size 3");
    assertIllegalArgument(
        () -> x.gather(1, Tensor.of(new double[][] {{-1}, {0}})), "gather", "index -1", "size 3");
    assertIllegalArgument(
        () -> x.gather(1, Tensor.of(new double[][] {{0.5}, {0}})), "gather", "0.5");
    assertIllegalArgument(() -> x.gather(1, Tensor.zeros(3, 1)), "gather", "[3,1]", "[2,3]");
  }

  @Test
  void itemOnANonScalarNamesTheShape() {
    assertIllegalArgument(() -> Tensor.zeros(2, 3).item(), "item", "[2,3]", "6 elements");
  }

  // ---------------------------------------------------------------- backward

  @Test
  void backwardOnANonScalarSaysToPassTheGradient() {
    Tensor y = Tensor.ones(2, 3).requiresGrad(true).mul(2);
    assertIllegalArgument(y::backward, "backward", "[2,3]", "scalar");
  }

  @Test
  void backwardWithAGradientOfTheWrongShapeNamesBothShapes() {
    Tensor y = Tensor.ones(2, 3).requiresGrad(true).mul(2);
    assertIllegalArgument(() -> y.backward(Tensor.ones(3, 2)), "backward", "[3,2]", "[2,3]");
  }

  @Test
  void backwardOnATensorThatDoesNotRequireGradIsAnIllegalState() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Tensor.ones(2).sum().backward());
    assertContains(e, "backward", "requiresGrad");
  }

  @Test
  void backwardTwiceWithoutRetainGraphIsAnIllegalStateMentioningRetain() {
    Tensor x = Tensor.of(1, 2).requiresGrad(true);
    Tensor y = x.mul(x).sum();
    y.backward();
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertContains(e, "backward", "freed");
    assertTrue(
        e.getMessage().toLowerCase().contains("retain"),
        () -> "message should tell the user about retainGraph: " + e.getMessage());
  }

  @Test
  void requiresGradFalseOnAComputedTensorPointsToDetach() {
    Tensor y = Tensor.ones(2).requiresGrad(true).mul(2);
    assertIllegalArgument(() -> y.requiresGrad(false), "requiresGrad", "Mul", "detach()");
  }

  // ---------------------------------------------------------------- 0-D tensors: no index errors

  @Test
  void axisOpsOnA0DTensorFailWithIllegalArgumentNotArrayIndexOutOfBounds() {
    Tensor s = Tensor.scalar(1);
    assertAll(
        () -> assertIllegalArgument(() -> s.size(0), "[]"),
        () -> assertIllegalArgument(() -> s.shape().get(0), "[]"),
        () -> assertIllegalArgument(() -> Tensor.cat(0, s, Tensor.scalar(2)), "cat"),
        () -> assertIllegalArgument(() -> s.select(0, 0), "select"),
        () -> assertIllegalArgument(() -> s.slice(0, 0, 1), "slice"),
        () -> assertIllegalArgument(() -> s.narrow(0, 0, 1), "[]"));
  }

  @Test
  void otherBadIndicesNeverSurfaceAsArrayIndexOutOfBounds() {
    Tensor x = Tensor.zeros(2, 3);
    Executable[] calls = {
      () -> x.size(2),
      () -> x.size(-3),
      () -> x.transpose(0, 2),
      () -> x.flatten(0, 2),
      () -> x.squeeze(-3),
      () -> x.argmax(-3),
      () -> x.logSoftmax(2),
      () -> x.gather(2, Tensor.zeros(2, 3)),
      () -> Tensor.zeros(-1),
      () -> Tensor.arange(0, 5, 0),
      () -> Tensor.linspace(0, 1, 0),
      () -> x.clamp(1, 0),
    };
    for (Executable c : calls) assertThrows(IllegalArgumentException.class, c);
  }
}
