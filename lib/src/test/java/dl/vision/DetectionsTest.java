package dl.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionsTest {
  static Detection det(int label, double x0, double y0, double x1, double y1, double score) {
    return new Detection(new Box(label, x0, y0, x1, y1), score);
  }

  @Test
  void nmsKeepsTheBestOfAnOverlappingGroupPerClass() {
    Detection best = det(3, 0, 0, 10, 10, 0.9);
    Detection shifted = det(3, 1, 0, 11, 10, 0.8); // IoU 90/110 = 0.82 with best
    Detection otherClass = det(5, 1, 0, 11, 10, 0.7); // same place, other label: kept
    Detection apart = det(3, 30, 30, 40, 40, 0.6);
    Detection half = det(3, 5, 0, 15, 10, 0.95); // IoU 1/3 with best: kept at 0.5
    List<Detection> kept = Detections.nms(List.of(shifted, best, otherClass, apart, half), 0.5);
    assertEquals(List.of(half, best, otherClass, apart), kept);
    // a stricter threshold also removes the box at IoU 1/3
    assertEquals(
        List.of(half, otherClass, apart),
        Detections.nms(List.of(shifted, best, otherClass, apart, half), 0.3),
        "best (IoU 1/3 with half) and shifted (IoU 0.43 with half) go");
  }

  @Test
  void nmsOfNothingIsNothingAndBadThresholdsFail() {
    assertEquals(List.of(), Detections.nms(List.of(), 0.5));
    var e = assertThrows(IllegalArgumentException.class, () -> Detections.nms(List.of(), 1.5));
    assertTrue(e.getMessage().contains("nms") && e.getMessage().contains("1.5"), e.getMessage());
  }

  /**
   * Hand-computed: 3 true boxes of class 0 in two images; ranked detections TP, FP (a duplicate),
   * TP, FP (no overlap), and the third box never found. Precision at the hits: 1/1 and 2/3; recall
   * steps of 1/3 each, so AP = 1/3 · 1 + 1/3 · 2/3 = 5/9.
   */
  @Test
  void averagePrecisionMatchesAHandComputedRanking() {
    List<List<Box>> truth =
        List.of(
            List.of(new Box(0, 0, 0, 10, 10), new Box(0, 20, 20, 30, 30)),
            List.of(new Box(0, 5, 5, 15, 15), new Box(1, 40, 40, 50, 50)));
    List<List<Detection>> predicted =
        List.of(
            List.of(
                det(0, 0, 0, 10, 10, 0.9), // TP (IoU 1)
                det(0, 1, 1, 10, 10, 0.8), // duplicate of the same box: FP
                det(0, 50, 50, 60, 60, 0.6)), // nothing there: FP
            List.of(
                det(0, 5, 5, 14, 15, 0.7), // TP (IoU 0.9)
                det(1, 40, 40, 50, 50, 0.99))); // class 1: ignored for class 0
    assertEquals(5.0 / 9, Detections.averagePrecision(predicted, truth, 0, 0.5), 1e-12);
    assertEquals(1.0, Detections.averagePrecision(predicted, truth, 1, 0.5), 1e-12);
    assertEquals(
        (5.0 / 9 + 1) / 2, Detections.meanAveragePrecision(predicted, truth, 3, 0.5), 1e-12);
    assertTrue(Double.isNaN(Detections.averagePrecision(predicted, truth, 2, 0.5)), "no class 2");
  }

  @Test
  void aBoxBelowTheIouThresholdIsAFalsePositive() {
    List<List<Box>> truth = List.of(List.of(new Box(4, 0, 0, 10, 10)));
    List<List<Detection>> loose = List.of(List.of(det(4, 5, 0, 15, 10, 0.9))); // IoU 1/3
    assertEquals(0.0, Detections.averagePrecision(loose, truth, 4, 0.5));
    assertEquals(1.0, Detections.averagePrecision(loose, truth, 4, 0.3), 1e-12);
    assertEquals(0.0, Detections.averagePrecision(List.of(List.of()), truth, 4, 0.5));
  }

  @Test
  void precisionIsInterpolatedFromTheRight() {
    // ranking FP, TP with one true box: precision 1/2 at recall 1, so AP = 0.5
    List<List<Box>> truth = List.of(List.of(new Box(0, 0, 0, 10, 10)));
    List<List<Detection>> predicted =
        List.of(List.of(det(0, 30, 30, 40, 40, 0.9), det(0, 0, 0, 10, 10, 0.8)));
    assertEquals(0.5, Detections.averagePrecision(predicted, truth, 0, 0.5), 1e-12);
  }

  @Test
  void mismatchedImageCountsFail() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Detections.averagePrecision(List.of(), List.of(List.of()), 0, 0.5));
    assertTrue(e.getMessage().contains("0 images of detections but 1"), e.getMessage());
  }
}
