package dl.nn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import org.junit.jupiter.api.Test;

class InceptionTest {
  /** Weights plus biases of a k×k convolution from {@code in} to {@code out} channels. */
  private static long conv(int in, int out, int k) {
    return (long) out * in * k * k + out;
  }

  @Test
  void outputConcatenatesTheFourBranchesAlongChannels() {
    Tensor.manualSeed(3);
    var m = new Inception(5, 2, 3, 4, 2, 3, 1);
    Tensor x = Tensor.randn(2, 5, 7, 6);
    Tensor y = m.forward(x);
    assertArrayEquals(new int[] {2, 10, 7, 6}, y.shape().toArray());
    assertEquals(10, m.outChannels());
    int from = 0;
    for (var branch : m.branches()) {
      Tensor part = branch.forward(x);
      assertArrayEquals(
          part.toFloatArray(),
          y.narrow(1, from, part.size(1)).toFloatArray(),
          "channels " + from + ".." + (from + part.size(1)) + " are branch " + branch);
      from += part.size(1);
    }
    assertEquals(10, from);
  }

  @Test
  void parameterCountsFollowTheBranches() {
    // GoogLeNet's inception (3a): 192 channels in, 64 + 128 + 32 + 32 = 256 out
    var with = new Inception(192, 64, 96, 128, 16, 32, 32);
    long expected =
        conv(192, 64, 1)
            + conv(192, 96, 1)
            + conv(96, 128, 3)
            + conv(192, 16, 1)
            + conv(16, 32, 5)
            + conv(192, 32, 1);
    assertEquals(expected, with.parameterCount());
    var without = Inception.withoutBottlenecks(192, 64, 128, 32, 32);
    assertEquals(
        conv(192, 64, 1) + conv(192, 128, 3) + conv(192, 32, 5) + conv(192, 32, 1),
        without.parameterCount());
    assertTrue(without.parameterCount() > 2 * with.parameterCount(), "bottlenecks save weights");
    assertArrayEquals(
        new int[] {1, 256, 4, 4},
        without.forward(Tensor.zeros(1, 192, 4, 4)).shape().toArray(),
        "same output shape without bottlenecks");
  }

  @Test
  void gradientsReachEveryBranch() {
    Tensor.manualSeed(4);
    var m = new Inception(3, 4, 4, 4, 4, 4, 4);
    // NOTE: four channels per branch and 8 images make a branch whose ReLUs are all off (which
    // would
    // leave its weights without gradient) very unlikely; the seed makes the test repeatable.
    m.forward(Tensor.randn(8, 3, 6, 6)).square().sum().backward();
    m.namedParameters()
        .forEach(
            (name, p) ->
                assertTrue(
                    p.grad() != null && p.grad().abs().sum().item() > 0, name + " has a gradient"));
  }

  @Test
  void badInputNamesTheModuleAndShapes() {
    var m = new Inception(4, 1, 1, 1, 1, 1, 1);
    var e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(1, 3, 5, 5)));
    assertTrue(
        e.getMessage().contains("Inception")
            && e.getMessage().contains(Tensor.zeros(1, 3, 5, 5).shape().toString()),
        e.getMessage());
    var bad =
        assertThrows(IllegalArgumentException.class, () -> new Inception(4, 1, 0, 1, 1, 1, 1));
    assertTrue(bad.getMessage().contains("reduce3=0"), bad.getMessage());
  }
}
