package dl.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.autograd.GradCheck;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloGridTest {
  final YoloGrid grid = new YoloGrid(4, 32, 3); // cells of 8 pixels

  static final List<List<Box>> BOXES =
      List.of(
          List.of(new Box(2, 2, 2, 12, 14), new Box(0, 20, 17, 30, 31)),
          List.of(new Box(1, 9, 1, 15, 31)));

  @Test
  void targetsPutEachBoxInTheCellOfItsCentre() {
    Tensor t = grid.targets(BOXES);
    assertEquals(List.of(2, 8, 4, 4), List.of(t.size(0), t.size(1), t.size(2), t.size(3)));
    // box 0: centre (7, 8) -> column 0, row 1; offsets 7/8 and 0; size 10/32, 12/32; class 2
    assertEquals(1.0, t.get(0, 0, 1, 0));
    assertEquals(7.0 / 8, t.get(0, 1, 1, 0), 1e-6);
    assertEquals(0.0, t.get(0, 2, 1, 0), 1e-6);
    assertEquals(10.0 / 32, t.get(0, 3, 1, 0), 1e-6);
    assertEquals(12.0 / 32, t.get(0, 4, 1, 0), 1e-6);
    assertEquals(1.0, t.get(0, 5 + 2, 1, 0));
    assertEquals(0.0, t.get(0, 5, 1, 0));
    // one object cell per box, nothing else
    assertEquals(3.0, t.narrow(1, 0, 1).sum().item());
  }

  /** Logits that make σ hit the targets: large ± for objectness and classes, logit(v) for boxes. */
  static Tensor perfectOutput(Tensor targets) {
    double[] t = targets.toDoubleArray();
    int plane = targets.size(2) * targets.size(3);
    int c = targets.size(1);
    double[] o = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      int channel = (i / plane) % c;
      if (channel == 0 || channel >= 5) o[i] = t[i] > 0.5 ? 12 : -12;
      else {
        double v = Math.min(1 - 1e-6, Math.max(1e-6, t[i]));
        o[i] = Math.log(v / (1 - v));
      }
    }
    return Tensor.fromArray(o, targets.shape().toArray());
  }

  @Test
  void decodingAPerfectOutputGivesBackTheBoxesWithMapOne() {
    List<List<Detection>> found = grid.decode(perfectOutput(grid.targets(BOXES)), 0.5);
    assertEquals(2, found.get(0).size());
    assertEquals(1, found.get(1).size());
    for (int i = 0; i < BOXES.size(); i++)
      for (Detection d : found.get(i)) {
        Box match = BOXES.get(i).stream().filter(b -> b.label() == d.label()).findFirst().get();
        assertTrue(d.box().iou(match) > 0.999, d + " against " + match);
        assertTrue(d.score() > 0.99);
      }
    assertEquals(1.0, Detections.meanAveragePrecision(found, BOXES, 3, 0.5), 1e-12);
  }

  @Test
  void theLossIsSmallForAPerfectOutputAndLargerForAnother() {
    Tensor targets = grid.targets(BOXES);
    double perfect = grid.loss(perfectOutput(targets), targets).item();
    double random = grid.loss(Tensor.randn(new Rng(1), 2, 8, 4, 4), targets).item();
    assertTrue(perfect < 0.01, "perfect " + perfect);
    assertTrue(random > 1, "random " + random);
  }

  @Test
  void theLossHasTheGradientOfItsFiniteDifferences() {
    Tensor targets = grid.targets(BOXES).float64();
    Tensor out = Tensor.randn(new Rng(2), 2, 8, 4, 4).float64().requiresGrad(true);
    GradCheck.assertGradients(x -> grid.loss(x[0], targets), out);
  }

  @Test
  void wrongShapesAndLabelsAreNamed() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> grid.decode(Tensor.zeros(1, 7, 4, 4), 0.5));
    assertTrue(e.getMessage().contains("expected output [N, 8, 4, 4]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> grid.targets(List.of(List.of(new Box(3, 0, 0, 4, 4)))));
    assertTrue(e.getMessage().contains("label 3 is not in [0, 3)"), e.getMessage());
  }
}
