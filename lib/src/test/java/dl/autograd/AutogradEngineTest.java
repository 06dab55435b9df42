package dl.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The backward engine itself: accumulation, fan-out, deep graphs, detach, NoGrad, retained graphs
 * and gradients, broadcasting and dtypes. Expected gradients are worked out by hand in comments.
 */
class AutogradEngineTest {

  private static Tensor leaf(double... values) {
    return Tensor.fromArray(values, values.length).requiresGrad(true);
  }

  private static void assertGrad(double[] expected, Tensor t, double tol) {
    assertNotNull(t.grad(), "no gradient was accumulated");
    assertArrayEquals(t.shape().toArray(), t.grad().shape().toArray(), "gradient shape");
    assertArrayEquals(expected, t.grad().toDoubleArray(), tol);
  }

  // ---------------------------------------------------------------- accumulation

  @Test
  void gradientsAccumulateAcrossTwoBackwardCalls() {
    Tensor x = leaf(1, 2, 3);
    x.mul(x).sum().backward(); // d/dx Σx² = 2x
    assertGrad(new double[] {2, 4, 6}, x, 0.0);
    x.mul(x).sum().backward();
    assertGrad(new double[] {4, 8, 12}, x, 0.0);
  }

  @Test
  void zeroGradClearsSoTheNextBackwardStartsFresh() {
    Tensor x = leaf(1, 2, 3);
    x.mul(3).sum().backward();
    assertGrad(new double[] {3, 3, 3}, x, 0.0);
    x.zeroGrad();
    assertNull(x.grad());
    x.mul(x).sum().backward();
    assertGrad(new double[] {2, 4, 6}, x, 0.0);
  }

  @Test
  void gradIsAPrivateCopyNotAliasedToTheSeedOrAnotherLeaf() {
    // Add passes the same gradient tensor to both inputs; each leaf must get its own storage.
    Tensor a = leaf(1, 2), b = leaf(3, 4);
    Tensor seed = Tensor.fromArray(new double[] {1, 1}, 2);
    a.add(b).backward(seed);
    assertTrue(a.grad().buffer() != b.grad().buffer(), "a and b share one gradient buffer");
    assertTrue(a.grad().buffer() != seed.buffer(), "gradient aliases the seed");
    try (NoGrad scope = NoGrad.enter()) {
      a.grad().fillInPlace(0);
    }
    assertGrad(new double[] {1, 1}, b, 0.0);
    assertArrayEquals(new double[] {1, 1}, seed.toDoubleArray(), 0.0);
  }

  /** y = 2x whose backward says its gradient is new: the engine may keep it uncopied. */
  private static final class Doubling extends Function {
    Tensor returned; // what backward returned, for the test to compare

    @Override
    protected Tensor forward(Tensor... in) {
      return in[0].mul(2);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
      returned = g.mul(2);
      return new Tensor[] {returned};
    }

    @Override
    protected boolean returnsNewGradients() {
      return true;
    }
  }

  @Test
  void aLeafKeepsANewGradientUncopiedAndTheNextBackwardAddsIntoAnotherTensor() {
    Tensor x = leaf(1, 2);
    Doubling op = new Doubling();
    Tensor seed = Tensor.fromArray(new double[] {1, 3}, 2);
    op.apply(x).backward(seed);
    assertSame(op.returned.buffer(), x.grad().buffer(), "the new gradient was copied");
    assertGrad(new double[] {2, 6}, x, 0.0);
    Tensor first = x.grad();
    Doubling again = new Doubling();
    again.apply(x).backward(seed);
    assertGrad(new double[] {4, 12}, x, 0.0);
    assertArrayEquals(new double[] {2, 6}, first.toDoubleArray(), 0.0, "accumulated in place");
    assertTrue(x.grad().buffer() != again.returned.buffer(), "the sum aliases an op's tensor");
  }

  // ---------------------------------------------------------------- fan-out and shared
  // sub-expressions

  @Test
  void fanOutOfAnIntermediateUsedTwiceSumsBothPaths() {
    // y = x² + x;  L = Σ (y·y + y);  dL/dx = (2y + 1)(2x + 1)
    // x = [1, 2, -1.5] → y = [2, 6, 0.75] → (2y+1) = [5, 13, 2.5], (2x+1) = [3, 5, -2]
    Tensor x = leaf(1, 2, -1.5);
    Tensor y = x.mul(x).add(x);
    y.mul(y).add(y).sum().backward();
    assertGrad(new double[] {15, 65, -5}, x, 1e-12);
  }

  @Test
  void sharedSubexpressionReceivesGradientFromEveryConsumer() {
    // u = x·w;  L = Σ (u + u²);  dL/du = 1 + 2u;  dL/dx = (1 + 2u)·w;  dL/dw = (1 + 2u)·x
    // x = [1, 2], w = [3, -1] → u = [3, -2] → 1 + 2u = [7, -3]
    Tensor x = leaf(1, 2), w = leaf(3, -1);
    Tensor u = x.mul(w);
    u.add(u.mul(u)).sum().backward();
    assertGrad(new double[] {21, 3}, x, 0.0);
    assertGrad(new double[] {7, -6}, w, 0.0);
  }

  @Test
  void diamondThroughTwoDifferentOpsAddsTheirGradients() {
    // L = Σ (sin x · cos x) = Σ sin(2x)/2;  dL/dx = cos 2x
    Tensor x = leaf(0.3, -1.2, 2.0);
    x.sin().mul(x.cos()).sum().backward();
    assertGrad(new double[] {Math.cos(0.6), Math.cos(-2.4), Math.cos(4.0)}, x, 1e-12);
  }

  // ---------------------------------------------------------------- deep graphs

  @Test
  void aChainOfTenThousandOpsDoesNotOverflowTheStack() {
    Tensor x = Tensor.scalar(0.5, DType.FLOAT64).requiresGrad(true);
    Tensor y = x;
    for (int i = 0; i < 10_000; i++) y = (i % 2 == 0) ? y.add(1) : y.mul(1);
    assertEquals(0.5 + 5000, y.item(), 0.0);
    y.backward();
    assertGrad(new double[] {1}, x, 0.0);
  }

  // ---------------------------------------------------------------- detach and NoGrad

  @Test
  void detachStopsGradientsButSharesTheData() {
    // L = Σ detach(x)·x → only the second factor is differentiated: dL/dx = x
    Tensor x = leaf(2, -3);
    Tensor d = x.detach();
    assertFalse(d.requiresGrad());
    assertNull(d.gradFn());
    assertTrue(d.isLeaf());
    assertSame(x.buffer(), d.buffer());
    d.mul(x).sum().backward();
    assertGrad(new double[] {2, -3}, x, 0.0);
  }

  @Test
  void detachOfAnIntermediateCutsTheGraphThere() {
    // y = 3x (detached), L = Σ y·x → dL/dx = y = 3x
    Tensor x = leaf(1, 2);
    Tensor y = x.mul(3).detach();
    y.mul(x).sum().backward();
    assertGrad(new double[] {3, 6}, x, 0.0);
  }

  @Test
  void noGradScopeRecordsNothingAndRecordingResumesAfterIt() {
    Tensor x = leaf(1, 2);
    Tensor y;
    try (NoGrad outer = NoGrad.enter()) {
      assertFalse(NoGrad.isGradEnabled());
      try (NoGrad inner = NoGrad.enter()) {
        assertFalse(NoGrad.isGradEnabled());
      }
      assertFalse(NoGrad.isGradEnabled(), "closing a nested scope re-enabled recording");
      y = x.mul(x).add(1).sum();
    }
    assertTrue(NoGrad.isGradEnabled());
    assertNull(y.gradFn());
    assertFalse(y.requiresGrad());
    assertEquals((1 + 1) + (4 + 1), y.item(), 0.0);
    assertThrows(IllegalStateException.class, y::backward);
    assertNull(x.grad());

    Tensor z = x.mul(x).sum();
    assertNotNull(z.gradFn());
    assertTrue(z.requiresGrad());
  }

  @Test
  void opsOnTensorsThatDoNotRequireGradAreNotRecorded() {
    Tensor a = Tensor.of(1, 2), b = Tensor.of(3, 4);
    Tensor c = a.mul(b).add(a);
    assertNull(c.gradFn());
    assertFalse(c.requiresGrad());
    assertTrue(c.isLeaf());
  }

  // ---------------------------------------------------------------- retained graph and gradients

  @Test
  void retainGraphAllowsASecondBackwardThroughTheSameGraph() {
    Tensor x = leaf(1, 2, 3);
    Tensor y = x.mul(x).exp().sum(); // dy/dx = 2x·exp(x²)
    y.backward(Tensor.scalar(1), true);
    double[] once = {2 * Math.exp(1), 4 * Math.exp(4), 6 * Math.exp(9)};
    assertGrad(once, x, 1e-9);
    y.backward();
    assertGrad(new double[] {2 * once[0], 2 * once[1], 2 * once[2]}, x, 1e-9);
  }

  @Test
  void secondBackwardWithoutRetainGraphFailsWithoutTouchingTheGradient() {
    Tensor x = leaf(1, 2);
    Tensor y = x.mul(x).sum();
    y.backward();
    assertThrows(IllegalStateException.class, y::backward);
    assertGrad(new double[] {2, 4}, x, 0.0);
  }

  @Test
  void retainGradKeepsAnIntermediatesGradientAndOthersStayNull() {
    // h = 2x (retained), k = h + 1 (not retained), L = Σ h·k → dL/dh = k + h = 4x + 1 ... and dL/dx
    // = 2(4x + 1)
    Tensor x = leaf(1, -2);
    Tensor h = x.mul(2).retainGrad();
    Tensor k = h.add(1);
    h.mul(k).sum().backward();
    assertGrad(new double[] {5, -7}, h, 0.0);
    assertNull(k.grad());
    assertGrad(new double[] {10, -14}, x, 0.0);
    assertFalse(h.isLeaf());
    assertTrue(x.isLeaf());
  }

  // ---------------------------------------------------------------- broadcasting and dtypes

  @Test
  void broadcastBiasGradientIsSummedBackToItsShape() {
    Tensor x = Tensor.fromArray(new double[12], 4, 3).requiresGrad(true);
    Tensor b = leaf(1, 2, 3);
    x.add(b).sum().backward();
    assertGrad(new double[] {4, 4, 4}, b, 0.0);
    assertGrad(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, x, 0.0);
  }

  @Test
  void broadcastMultiplicandGetsTheSumOverTheRowsItWasCopiedTo() {
    // L = Σᵢⱼ x[i][j]·w[j] → dL/dw[j] = Σᵢ x[i][j];  [1,3]-shaped w keeps its shape; 0-D s gets Σ
    // everything
    double[] xs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Tensor x = Tensor.fromArray(xs, 4, 3);
    Tensor w = Tensor.fromArray(new double[] {1, 1, 1}, 1, 3).requiresGrad(true);
    Tensor s = Tensor.scalar(2, DType.FLOAT64).requiresGrad(true);
    x.mul(w).mul(s).sum().backward();
    assertGrad(new double[] {2 * 22, 2 * 26, 2 * 30}, w, 0.0);
    assertGrad(new double[] {78}, s, 0.0);
  }

  @Test
  void gradientOfAFloat32LeafStaysFloat32() {
    Tensor x = Tensor.of(1, 2, 3).requiresGrad(true); // float32
    Tensor w = Tensor.fromArray(new double[] {0.5, 0.25, 2}, 3); // float64
    Tensor y = x.mul(w).sum(); // promoted to float64
    assertEquals(DType.FLOAT64, y.dtype());
    y.backward();
    assertEquals(DType.FLOAT32, x.grad().dtype());
    assertGrad(new double[] {0.5, 0.25, 2}, x, 0.0);

    Tensor z = Tensor.of(1, 2).requiresGrad(true);
    z.float64().mul(3).sum().backward();
    assertEquals(DType.FLOAT32, z.grad().dtype());
    assertGrad(new double[] {3, 3}, z, 0.0);
  }

  // ---------------------------------------------------------------- views and multi-input ops

  @Test
  void gradientThroughViewsLandsOnTheElementsThatWereRead() {
    // L = Σ slice(x, every other element) · [1, 2, 3] + 10·x[5] (via select) + Σ xᵀ-row-0
    Tensor x = Tensor.fromArray(new double[6], 6).requiresGrad(true);
    Tensor picked = x.slice(0, 0, 6, 2).mul(Tensor.fromArray(new double[] {1, 2, 3}, 3)).sum();
    Tensor last = x.select(0, 5).mul(10);
    Tensor col = x.reshape(2, 3).t().select(0, 0).sum(); // x[0] and x[3]
    picked.add(last).add(col).backward();
    assertGrad(new double[] {1 + 1, 0, 2, 1, 3, 10}, x, 0.0);
  }

  @Test
  void catRecordsItsInputsEvenIfTheCallersArrayChangesLater() {
    Tensor a = leaf(1, 2), b = leaf(3), other = leaf(9);
    Tensor[] parts = {a, b};
    Tensor c = Tensor.cat(0, parts);
    parts[1] = other; // the graph must not see this
    c.mul(Tensor.fromArray(new double[] {1, 2, 3}, 3)).sum().backward();
    assertGrad(new double[] {1, 2}, a, 0.0);
    assertGrad(new double[] {3}, b, 0.0);
    assertNull(other.grad(), "a tensor that was never part of the cat received a gradient");
  }

  @Test
  void leafCannotBeUnmarkedOnceComputedFromButCanBeBeforehand() {
    Tensor x = leaf(1);
    x.requiresGrad(false);
    assertFalse(x.requiresGrad());
    Tensor y = leaf(1).mul(2);
    assertThrows(IllegalArgumentException.class, () -> y.requiresGrad(false));
  }
}
