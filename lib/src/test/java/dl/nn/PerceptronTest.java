package dl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerceptronTest {
  static final Tensor CORNERS = Tensor.of(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});

  @Test
  void learnsAndWithTheUpdateRuleAndSeparatesTheData() {
    var p = new Perceptron(2, 1.0);
    Tensor and = Tensor.of(0, 0, 0, 1);
    assertTrue(p.fit(CORNERS, and, 100));
    assertArrayEquals(and.toFloatArray(), p.predict(CORNERS).toFloatArray());
    List<Integer> errors = p.errorsPerEpoch();
    assertEquals(0, errors.get(errors.size() - 1));
  }

  @Test
  void firstUpdateFollowsTheRuleByHand() {
    // From w = 0, b = 0: sample (0,0) with y=0 gives ŷ = step(0) = 0, no change; sample (0,1) with
    // y=1 gives ŷ = 0, so w += η·(1−0)·(0,1) and b += η.
    var p = new Perceptron(2, 0.5);
    p.fit(Tensor.of(new double[][] {{0, 0}, {0, 1}}), Tensor.of(0, 1), 1);
    assertArrayEquals(new float[] {0f, 0.5f}, p.weights().toFloatArray());
    assertEquals(0.5, p.bias());
  }

  @Test
  void neverFitsXorBecauseNoLineSeparatesIt() {
    var p = new Perceptron(2, 0.1);
    assertFalse(p.fit(CORNERS, Tensor.of(0, 1, 1, 0), 1000));
    assertTrue(p.errorsPerEpoch().stream().allMatch(e -> e > 0));
  }
}
