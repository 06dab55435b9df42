package dl.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SegmentationTest {
  @Test
  void perClassIouByHand() {
    // 2x3 masks: truth 0 0 1 / 2 2 2, prediction 0 1 1 / 2 2 0
    Tensor truth = Tensor.of(new double[][] {{0, 0, 1}, {2, 2, 2}}).reshape(1, 2, 3);
    Tensor pred = Tensor.of(new double[][] {{0, 1, 1}, {2, 2, 0}}).reshape(1, 2, 3);
    // class 0: both at 1 pixel, union {0,1,5} = 3 -> 1/3; class 1: 1 of 2; class 2: 2 of 3
    double[] iou = Segmentation.iou(pred, truth, 4);
    assertArrayEquals(
        new double[] {1.0 / 3, 1.0 / 2, 2.0 / 3}, java.util.Arrays.copyOf(iou, 3), 1e-12);
    assertTrue(Double.isNaN(iou[3]), "class 3 appears nowhere");
    assertEquals((1.0 / 3 + 1.0 / 2 + 2.0 / 3) / 3, Segmentation.meanIoU(pred, truth, 4), 1e-12);
  }

  @Test
  void aPerfectMaskScoresOne() {
    Tensor m = Tensor.of(0, 3, 3, 1, 0);
    assertEquals(1.0, Segmentation.meanIoU(m, m, 4));
  }

  @Test
  void aClassPredictedButAbsentCountsAsZero() {
    // class 0: 1 of 2 pixels; class 1: predicted once, never true, IoU 0
    assertEquals(0.25, Segmentation.meanIoU(Tensor.of(0, 1), Tensor.of(0, 0), 2), 1e-12);
  }

  @Test
  void badInputsNameTheProblem() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Segmentation.iou(Tensor.of(0, 5), Tensor.of(0, 1), 3));
    assertTrue(e.getMessage().contains("predicted class 5 at position 1"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Segmentation.iou(Tensor.of(0, 1), Tensor.of(0, 1, 1), 3));
    assertTrue(e.getMessage().contains("different numbers of pixels"), e.getMessage());
  }
}
