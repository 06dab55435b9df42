package dl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.autograd.NoGrad;
import org.junit.jupiter.api.Test;

/**
 * {@code toString} follows PyTorch's layout. Golden strings are what PyTorch 2.x prints for the
 * same values (e.g. {@code print(torch.tensor([[1.5, 2.], [3., 4.]]))}), except where noted:
 * grad_fn uses this library's op names ({@code Mul}, not {@code <MulBackward0>}), the dtype is
 * {@code float64} rather than {@code torch.float64}, booleans are Java's {@code true}, and
 * summarised tensors add their shape.
 */
class TensorPrinterTest {

  @Test
  void integerValuedVectorPrintsWithTrailingDots() {
    assertEquals("tensor([1., 2., 3.])", Tensor.of(1, 2, 3).toString());
  }

  @Test
  void nonIntegerMatrixPrintsFourDecimalsWithRowsAlignedUnderTheFirst() {
    assertEquals(
        "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])",
        Tensor.of(new double[][] {{1.5, 2}, {3, 4}}).toString());
  }

  @Test
  void scalarPrintsWithoutBrackets() {
    assertEquals("tensor(3.)", Tensor.scalar(3).toString());
    assertEquals("tensor(2.5000)", Tensor.scalar(2.5).toString());
    assertEquals("tensor(-7.)", Tensor.scalar(-7).toString());
  }

  @Test
  void valuesArePaddedToACommonWidth() {
    assertEquals("tensor([  1., -10.])", Tensor.of(1, -10).toString());
    assertEquals("tensor([ 0.5000, 12.2500])", Tensor.of(0.5, 12.25).toString());
  }

  @Test
  void threeDimensionalTensorSeparatesBlocksWithABlankLine() {
    String expected =
        "tensor([[[0., 1.],\n"
            + "         [2., 3.]],\n"
            + "\n"
            + "        [[4., 5.],\n"
            + "         [6., 7.]]])";
    assertEquals(expected, Tensor.arange(8).reshape(2, 2, 2).toString());
  }

  @Test
  void nonContiguousViewPrintsItsLogicalValues() {
    assertEquals(
        "tensor([[0., 2.],\n        [1., 3.]])", Tensor.arange(4).reshape(2, 2).t().toString());
  }

  @Test
  void verySmallOrWideRangingValuesSwitchToScientificNotation() {
    assertEquals(
        "tensor([1.0000e-05, 1.0000e+00])",
        Tensor.fromArray(new double[] {1e-5, 1}, 2).float32().toString());
    assertEquals("tensor([1.0000e+08, 1.0000e+00])", Tensor.of(1e8, 1).toString());
  }

  @Test
  void float64AddsADtypeSuffix() {
    assertEquals(
        "tensor([1., 2.], dtype=float64)", Tensor.fromArray(new double[] {1, 2}, 2).toString());
    assertEquals("tensor(0.5000, dtype=float64)", Tensor.scalar(0.5, dl.DType.FLOAT64).toString());
  }

  @Test
  void leafThatRequiresGradSaysSo() {
    // PyTorch prints requires_grad=True; the Java spelling of the boolean is a sensible choice
    // here.
    assertEquals(
        "tensor([1., 2.], requires_grad=true)", Tensor.of(1, 2).requiresGrad(true).toString());
  }

  @Test
  void computedTensorNamesTheOpThatMadeIt() {
    Tensor x = Tensor.of(1, 2).requiresGrad(true);
    assertEquals("tensor([2., 4.], grad_fn=Mul)", x.mul(2).toString());
    assertEquals("tensor([1., 2.], grad_fn=ReLU)", x.relu().toString());
    assertEquals("tensor(3., grad_fn=Sum)", x.sum().toString());
    assertEquals("tensor([2., 4.], dtype=float64, grad_fn=Mul)", x.float64().mul(2).toString());
  }

  @Test
  void tensorsComputedUnderNoGradOrDetachedHaveNoGradSuffix() {
    Tensor x = Tensor.of(1, 2).requiresGrad(true);
    try (NoGrad scope = NoGrad.enter()) {
      assertEquals("tensor([2., 4.])", x.mul(2).toString());
    }
    assertEquals("tensor([1., 2.])", x.detach().toString());
  }

  @Test
  void hundredByHundredTensorIsSummarisedAndStaysShort() {
    Tensor big = Tensor.arange(10_000).reshape(100, 100);
    String s = big.toString();
    assertTrue(s.length() < 1000, () -> s.length() + " characters:\n" + s);
    assertTrue(s.contains("..."), s);
    assertTrue(s.startsWith("tensor([[   0.,    1.,    2., ...,   97.,   98.,   99.],"), s);
    assertTrue(s.endsWith("[9900., 9901., 9902., ..., 9997., 9998., 9999.]], shape=[100,100])"), s);
    assertFalse(s.contains(" 50."), "a middle column was printed: " + s);
    assertFalse(s.contains("5000."), "a middle row was printed: " + s);
    assertEquals(7, s.split("\n").length, s); // 3 rows, "...", 3 rows
  }

  @Test
  void tensorsUpToAThousandElementsArePrintedInFull() {
    String s = Tensor.arange(1000).toString();
    assertFalse(s.contains("..."));
    assertTrue(s.contains(" 500.,"));
    String longer = Tensor.arange(2000).toString();
    assertTrue(longer.contains("    2., ..., 1997."), longer);
    assertFalse(longer.contains("1000."), longer);
  }

  @Test
  void nanAndInfinityPrintLowercase() {
    String s =
        Tensor.of(1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY).toString();
    assertTrue(s.matches("tensor\\(\\[ *1\\., +nan, +inf, -inf\\]\\)"), s);
    assertFalse(s.contains("NaN") || s.contains("Infinity"), s);
    String frac = Tensor.of(0.5, Double.NaN).toString();
    assertTrue(frac.matches("tensor\\(\\[ *0\\.5000, +nan\\]\\)"), frac);
  }

  @Test
  void emptyTensorShowsItsSize() {
    assertEquals("tensor([], size=[0])", Tensor.zeros(0).toString());
  }
}
