package dl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Element counts are computed in long with overflow checks: a huge shape fails, never wraps. */
class ShapeOverflowTest {

  @Test
  void zerosOfTwoToTheSixtyFourElementsFailsInsteadOfBeingEmpty() {
    // 65536⁴ = 2⁶⁴ wraps to 0 in a long: the old count said numel() == 0.
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536, 65536, 65536));
    assertTrue(e.getMessage().contains("[65536, 65536, 65536, 65536]"), e.getMessage());
    assertTrue(e.getMessage().contains("18446744073709551616 elements"), e.getMessage());
  }

  @Test
  void aShapeJustPastIntFails() {
    assertThrows(IllegalArgumentException.class, () -> Shape.of(65536, 32768)); // 2³¹
    assertEquals(Integer.MAX_VALUE, Shape.of(Integer.MAX_VALUE, 1).numel());
  }

  @Test
  void anAxisOfSizeZeroMakesAnEmptyShapeWhateverTheOthers() {
    assertEquals(0, Shape.of(65536, 65536, 65536, 65536, 0).numel());
  }

  @Test
  void broadcastToAnOverflowingShapeFails() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Shape.broadcast("add", Shape.of(65536, 1), Shape.of(1, 65536)));
    assertTrue(e.getMessage().startsWith("add: shape [65536, 65536]"), e.getMessage());
  }

  @Test
  void reshapeWithSizesWhoseProductWrapsFails() {
    // 2³² · 2 · ... : the product of the given sizes wraps to 6 in int arithmetic.
    Tensor t = Tensor.zeros(6);
    assertThrows(IllegalArgumentException.class, () -> t.reshape(65536, 65536, 6, -1));
    assertThrows(IllegalArgumentException.class, () -> t.reshape(65536, 65536, 6));
    assertEquals(Shape.of(2, 3), t.reshape(2, -1).shape());
  }

  @Test
  void expandToAnOverflowingShapeFails() {
    Tensor t = Tensor.zeros(1, 1);
    assertThrows(IllegalArgumentException.class, () -> t.expand(65536, 65536));
  }
}
