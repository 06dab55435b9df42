package dl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.autograd.GradCheck;
import dl.nn.functional.F;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Cross-entropy over logits [N, C, H, W] with class-index targets [N, H, W] (segmentation). */
class PerPixelCrossEntropyTest {
  static Tensor labels(Rng rng, int classes, int... shape) {
    double[] y = new double[dl.tensor.Shape.of(shape).numel()];
    for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(classes);
    return Tensor.fromArray(y, shape);
  }

  @Test
  void equalsTheOrdinaryLossOverEveryPixelAsARow() {
    Rng rng = new Rng(7);
    Tensor logits = Tensor.randn(rng, 2, 4, 3, 5).float64();
    Tensor y = labels(rng, 4, 2, 3, 5).float64();
    // the same pixels as rows [N·H·W, C]: move the class axis last, then flatten
    Tensor rows = logits.permute(0, 2, 3, 1).contiguous().reshape(30, 4);
    double expected = F.crossEntropy(rows, y.reshape(30)).item();
    assertEquals(expected, F.crossEntropy(logits, y).item(), 1e-12);
    assertEquals(expected, new CrossEntropyLoss().forward(logits, y).item(), 1e-12);
  }

  @Test
  void worksForOneSpatialAxisToo() {
    Rng rng = new Rng(8);
    Tensor logits = Tensor.randn(rng, 3, 5, 4).float64();
    Tensor y = labels(rng, 5, 3, 4).float64();
    Tensor rows = logits.permute(0, 2, 1).contiguous().reshape(12, 5);
    assertEquals(
        F.crossEntropy(rows, y.reshape(12)).item(), F.crossEntropy(logits, y).item(), 1e-12);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Rng rng = new Rng(9);
    Tensor logits = Tensor.randn(rng, 2, 3, 4, 4).float64().requiresGrad(true);
    Tensor y = labels(rng, 3, 2, 4, 4).float64();
    GradCheck.assertGradients(x -> F.crossEntropy(x[0], y), logits);
  }

  @Test
  void wrongTargetShapeOrLabelIsNamed() {
    Tensor logits = Tensor.zeros(2, 3, 4, 4);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> F.crossEntropy(logits, Tensor.zeros(2, 4, 5)));
    assertTrue(
        e.getMessage().contains("need class-index targets [2,4,4]")
            && e.getMessage().contains("[2,4,5]"),
        e.getMessage());
    Tensor bad = Tensor.zeros(2, 4, 4).add(3);
    e = assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(logits, bad));
    assertTrue(
        e.getMessage().contains("label 3.0 at position 0 is not a class index in [0, 3)"),
        e.getMessage());
  }
}
