package dl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.nn.functional.F;
import dl.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LossTest {
  /** The lecture's scores for (cat, car, frog) with the correct class cat. */
  @Test
  void lectureSoftmaxExampleGivesLoss204InNaturalLog() {
    Tensor scores = Tensor.of(new double[][] {{3.2, 5.1, -1.7}}).float64();
    Tensor p = scores.softmax(1);
    assertEquals(0.13, p.get(0, 0), 0.005);
    assertEquals(0.87, p.get(0, 1), 0.005);
    assertEquals(0.00, p.get(0, 2), 0.005);
    double loss = new CrossEntropyLoss().forward(scores, Tensor.of(0)).item();
    assertEquals(2.04, loss, 0.005);
    assertEquals(0.89, loss / Math.log(10), 0.005); // the slide's 0.89 is log10
  }

  @Test
  void crossEntropyIsFiniteWithCorrectGradientAtLogitsOfPlusMinus1000() {
    Tensor logits = Tensor.of(new double[][] {{1000, -1000}, {-1000, 1000}}).requiresGrad(true);
    Tensor loss = F.crossEntropy(logits, Tensor.of(1, 1));
    assertEquals(
        1000, loss.item(), 1e-3); // sample 0 is wrong by 2000 → loss 2000; sample 1 right → 0
    loss.backward();
    assertArrayEquals(new float[] {0.5f, -0.5f, 0f, 0f}, logits.grad().toFloatArray(), 1e-6f);
  }

  @Test
  void indexAndOneHotTargetsGiveTheSameLoss() {
    Tensor logits = Tensor.randn(5, 4);
    Tensor labels = Tensor.of(3, 0, 1, 1, 2);
    Tensor oneHot = Tensor.eye(4).indexSelect(0, labels.toIntArray());
    assertEquals(
        F.crossEntropy(logits, labels).item(), F.crossEntropy(logits, oneHot).item(), 1e-6);
  }

  @Test
  void crossEntropyRejectsLabelsOutOfRangeAndBatchMismatch() {
    IllegalArgumentException e1 =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.crossEntropy(Tensor.zeros(3, 10), Tensor.of(1, 10, 2)));
    assertTrue(
        e1.getMessage().contains("label 10.0 at position 1") && e1.getMessage().contains("[0, 10)"),
        e1.getMessage());
    IllegalArgumentException e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> F.crossEntropy(Tensor.zeros(64, 10), Tensor.zeros(32)));
    assertTrue(e2.getMessage().contains("batch sizes 64 and 32 differ"), e2.getMessage());
  }

  @Test
  void bceWithLogitsIsStableWhereThePlainFormOverflows() {
    Tensor z = Tensor.of(800, -800).float64();
    Tensor y = Tensor.of(0, 1).float64();
    assertEquals(800, F.binaryCrossEntropyWithLogits(z, y).item(), 1e-9);
    assertEquals(DType.FLOAT64, F.binaryCrossEntropyWithLogits(z, y).dtype());
  }

  @Test
  void mseMatchesHandComputation() {
    assertEquals(
        (1 + 4 + 0.25) / 3,
        new MSELoss().forward(Tensor.of(1, 2, 3), Tensor.of(0, 4, 3.5)).item(),
        1e-6);
  }

  @Test
  void bceWithLogitsGradientIsSigmoidMinusTargetEvenAtZero() {
    Tensor z = Tensor.of(0, 0, 1e-3, -30).float64().requiresGrad(true);
    Tensor y = Tensor.of(1, 0, 1, 0).float64();
    F.binaryCrossEntropyWithLogits(z, y).backward();
    double[] g = z.grad().toDoubleArray();
    double[] expected = {
      (0.5 - 1) / 4,
      (0.5 - 0) / 4,
      (1 / (1 + Math.exp(-(double) (float) 1e-3)) - 1) / 4,
      (1 / (1 + Math.exp(30))) / 4
    };
    assertArrayEquals(expected, g, 1e-12);
  }
}
