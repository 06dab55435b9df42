package dl.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoxTest {
  @Test
  void iouOfABoxWithItselfIsOne() {
    Box b = new Box(3, 2.5, 1, 12, 9);
    assertEquals(1.0, b.iou(b), 1e-12);
    assertEquals(1.0, b.iou(new Box(7, 2.5, 1, 12, 9)), 1e-12, "labels are ignored");
  }

  @Test
  void iouOfDisjointOrTouchingBoxesIsZero() {
    Box a = new Box(0, 0, 0, 10, 10);
    assertEquals(0.0, a.iou(new Box(0, 20, 20, 30, 30)));
    assertEquals(0.0, a.iou(new Box(0, 10, 0, 20, 10)), "sharing only an edge");
    assertEquals(0.0, a.iou(new Box(0, 10, 10, 20, 20)), "sharing only a corner");
    assertEquals(0.0, a.iou(new Box(0, 0, 12, 10, 20)), "apart vertically, overlapping in x");
  }

  @Test
  void iouOfAContainedBoxIsTheRatioOfAreas() {
    Box outer = new Box(0, 0, 0, 10, 10);
    Box inner = new Box(0, 2, 3, 7, 8); // 5 x 5
    assertEquals(25.0 / 100, outer.iou(inner), 1e-12);
    assertEquals(outer.iou(inner), inner.iou(outer), 1e-12);
  }

  @Test
  void iouOfPartlyOverlappingBoxesByHand() {
    // overlap 5 x 10 = 50, union 100 + 100 - 50 = 150
    assertEquals(1.0 / 3, new Box(0, 0, 0, 10, 10).iou(new Box(0, 5, 0, 15, 10)), 1e-12);
    // overlap 5 x 5 = 25, union 175
    assertEquals(25.0 / 175, new Box(0, 0, 0, 10, 10).iou(new Box(0, 5, 5, 15, 15)), 1e-12);
  }

  @Test
  void emptyBoxesHaveZeroIou() {
    Box point = new Box(0, 5, 5, 5, 5);
    assertEquals(0.0, point.iou(point));
    assertEquals(0.0, point.iou(new Box(0, 0, 0, 10, 10)));
  }

  @Test
  void centredBoxAndPixels() {
    Box b = Box.centred(1, 10, 20, 4, 6);
    assertEquals(new Box(1, 8, 17, 12, 23), b);
    assertTrue(new Box(0, 3, 5, 4, 6).containsPixel(3, 5));
    assertTrue(!new Box(0, 3, 5, 4, 6).containsPixel(4, 5));
  }

  @Test
  void invertedCornersAreRejectedWithTheirValues() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Box(0, 5, 0, 1, 1));
    assertTrue(
        e.getMessage().contains("x0 <= x1") && e.getMessage().contains("(5.0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Box(0, 0, 0, Double.NaN, 1));
  }
}
