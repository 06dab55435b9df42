package dl.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import dl.vision.Box;
import dl.vision.Detection;
import java.awt.Color;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Boxes and detections drawn over image tiles, and segmentation masks in colour. */
class OverlaysTest {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void aBoxIsDrawnInItsLabelColourAtItsPlaceInTheTile() {
    ImageGrid g =
        Images.grid(Tensor.zeros(2, 1, 32, 32), 2)
            .scale(4)
            .boxes(List.of(List.of(new Box(2, 8, 16, 24, 30)), List.of()));
    int[] o = g.tileOrigin(0);
    Color c = Style.classColor(2);
    // left edge of the box, half way down: x = 8 pixels · 4
    assertEquals(c, Pixels.at(g, o[0] + 8 * 4, o[1] + 23 * 4));
    assertEquals(Color.BLACK, Pixels.at(g, o[0] + 16 * 4, o[1] + 23 * 4), "inside stays as it was");
    int[] o1 = g.tileOrigin(1);
    assertEquals(Color.BLACK, Pixels.at(g, o1[0] + 8 * 4, o1[1] + 23 * 4), "second tile has none");
  }

  @Test
  void detectionsAreDrawnToo() {
    ImageGrid g =
        Images.grid(Tensor.zeros(1, 1, 32, 32), 1)
            .scale(4)
            .detections(List.of(List.of(new Detection(new Box(5, 4, 20, 20, 30), 0.93))));
    int[] o = g.tileOrigin(0);
    assertEquals(Style.classColor(5), Pixels.at(g, o[0] + 12 * 4, o[1] + 30 * 4 - 1));
  }

  @Test
  void oneListPerImageIsRequired() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Images.grid(Tensor.zeros(2, 1, 8, 8), 2).boxes(List.of(List.of())));
    assertTrue(e.getMessage().contains("1 lists of boxes for 2 images"), e.getMessage());
  }

  @Test
  void masksAreBlackBackgroundAndClassColours() {
    Tensor m = Tensor.zeros(1, 8, 8).add(Tensor.of(new double[][] {{0, 0, 0, 0, 4, 4, 4, 4}}));
    ImageGrid g = Images.masks(m, 1).scale(4);
    int[] o = g.tileOrigin(0);
    assertEquals(Color.BLACK, Pixels.at(g, o[0] + 2, o[1] + 2));
    assertEquals(
        Style.classColor(3), Pixels.at(g, o[0] + 6 * 4 + 2, o[1] + 2), "class 4 = label 3");
    assertThrows(IllegalArgumentException.class, () -> Images.masks(Tensor.zeros(8, 8), 1));
  }
}
