package dl.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Shapes and views: reshape, view, flatten, permute, slicing, squeeze, expand, contiguous, cat and
 * stack. Expected values come from index arithmetic written out in the test (row-major order of
 * {@code arange}), never from the library's own layout code.
 */
class TensorViewTest {

  /** 0, 1, …, n−1 in the given shape, so element (i, j, …) holds its own row-major index. */
  private static Tensor iota(int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = i;
    return Tensor.fromArray(v, shape);
  }

  private static void assertShape(Tensor t, int... expected) {
    assertArrayEquals(expected, t.shape().toArray(), () -> "shape was " + t.shape());
  }

  private static void assertValues(double[] expected, Tensor t) {
    assertArrayEquals(
        expected, t.toDoubleArray(), 0.0, () -> "values of tensor of shape " + t.shape());
  }

  // ---------------------------------------------------------------- reshape and view

  @Test
  void reshapeOfContiguousSharesBufferAndKeepsRowMajorOrder() {
    Tensor x = iota(6);
    Tensor r = x.reshape(2, 3);
    assertShape(r, 2, 3);
    assertSame(x.buffer(), r.buffer());
    assertArrayEquals(new int[] {3, 1}, r.strides());
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 3; j++) assertEquals(3 * i + j, r.get(i, j), 0.0);
  }

  @Test
  void reshapeInfersTheSizeGivenAsMinusOne() {
    Tensor x = iota(24);
    assertShape(x.reshape(2, -1, 4), 2, 3, 4);
    assertShape(x.reshape(-1, 6), 4, 6);
    assertShape(x.reshape(2, 3, 4).reshape(-1), 24);
    assertShape(Tensor.scalar(5).reshape(-1), 1);
    assertShape(Tensor.of(5).reshape(), new int[0]);
  }

  @Test
  void reshapeOfTransposedTensorCopiesButReshapeOfContiguousSharesBuffer() {
    Tensor x = iota(2, 3);
    Tensor xt = x.t();
    Tensor flat = xt.reshape(6);
    assertNotSame(x.buffer(), flat.buffer());
    // xt[i][j] = x[j][i] = 3j + i, read row by row.
    assertValues(new double[] {0, 3, 1, 4, 2, 5}, flat);
    assertSame(x.buffer(), x.reshape(3, 2).buffer());
  }

  @Test
  void viewOfContiguousTensorSharesItsBuffer() {
    Tensor x = iota(2, 6);
    Tensor v = x.view(3, 4);
    assertSame(x.buffer(), v.buffer());
    assertShape(v, 3, 4);
    assertEquals(7, v.get(1, 3), 0.0);
  }

  @Test
  void viewOfTransposedTensorFailsWithMessageSayingItIsNotContiguous() {
    Tensor xt = iota(2, 3).t();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> xt.view(6));
    String m = e.getMessage();
    assertTrue(m.startsWith("view"), m);
    assertTrue(m.contains("[3,2]"), m);
    assertTrue(m.contains("not contiguous"), m);
    assertTrue(
        m.contains("contiguous()") && m.contains("reshape()"),
        "message should name the way out: " + m);
  }

  @Test
  void flattenMergesOnlyTheAxesFromStartToEndInclusive() {
    Tensor x = iota(2, 3, 4, 5);
    assertShape(x.flatten(1, 2), 2, 12, 5);
    assertShape(x.flatten(-2, -1), 2, 3, 20);
    assertShape(x.flatten(0, -1), 120);
    assertShape(x.flatten(2, 2), 2, 3, 4, 5);
    assertShape(x.flatten(), 120);
    Tensor f = x.flatten(1, 2);
    // element (i, 4j + k, l) of the result is element (i, j, k, l) of x
    assertEquals(((1 * 3 + 2) * 4 + 3) * 5 + 4, f.get(1, 4 * 2 + 3, 4), 0.0);
    assertSame(x.buffer(), f.buffer());
  }

  @Test
  void flattenWithStartAfterEndFails() {
    assertThrows(IllegalArgumentException.class, () -> iota(2, 3, 4).flatten(2, 1));
  }

  // ---------------------------------------------------------------- permute and transpose

  @Test
  void permuteReordersAxesAsAViewWithPermutedStrides() {
    Tensor x = iota(2, 3, 4);
    Tensor p = x.permute(2, 0, 1);
    assertShape(p, 4, 2, 3);
    assertArrayEquals(new int[] {1, 12, 4}, p.strides());
    assertSame(x.buffer(), p.buffer());
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 4; k++) assertEquals((i * 3 + j) * 4 + k, p.get(k, i, j), 0.0);
  }

  @Test
  void permuteAcceptsNegativeAxes() {
    Tensor x = iota(2, 3, 4);
    assertShape(x.permute(-1, -3, -2), 4, 2, 3);
  }

  @Test
  void transposeSwapsTwoAxesIncludingNegativeOnes() {
    Tensor x = iota(2, 3, 4);
    Tensor t = x.transpose(0, -1);
    assertShape(t, 4, 3, 2);
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 4; k++) assertEquals((i * 3 + j) * 4 + k, t.get(k, j, i), 0.0);
    assertShape(x.transpose(1, 1), 2, 3, 4);
  }

  @Test
  void tTransposesAMatrixAndRejectsOtherRanks() {
    Tensor m = iota(2, 3).t();
    assertShape(m, 3, 2);
    assertValues(new double[] {0, 3, 1, 4, 2, 5}, m);
    assertTrue(!m.isContiguous());
    assertThrows(IllegalArgumentException.class, () -> iota(2, 3, 4).t());
    assertThrows(IllegalArgumentException.class, () -> iota(3).t());
  }

  // ---------------------------------------------------------------- slicing

  @Test
  void sliceWithStepPicksEveryStepthElementAsAView() {
    Tensor x = iota(10);
    Tensor s = x.slice(0, 1, 8, 3);
    assertValues(new double[] {1, 4, 7}, s);
    assertArrayEquals(new int[] {3}, s.strides());
    assertSame(x.buffer(), s.buffer());
    assertValues(new double[] {1, 4, 7}, x.slice(0, 1, 9, 3)); // 10 is past the end, so 3 elements
    assertValues(new double[] {7, 8, 9}, x.slice(0, -3, 10));
    assertValues(new double[] {}, x.slice(0, 4, 4));
  }

  @Test
  void sliceAlongTheLastAxisOfAMatrixKeepsEveryRow() {
    Tensor x = iota(3, 5);
    Tensor s = x.slice(1, 0, 5, 2);
    assertShape(s, 3, 3);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) assertEquals(5 * i + 2 * j, s.get(i, j), 0.0);
  }

  @Test
  void narrowTakesLengthElementsFromStart() {
    Tensor x = iota(4, 3);
    Tensor n = x.narrow(0, 1, 2);
    assertShape(n, 2, 3);
    assertValues(new double[] {3, 4, 5, 6, 7, 8}, n);
    assertValues(new double[] {1, 2, 4, 5, 7, 8, 10, 11}, x.narrow(1, 1, 2));
  }

  @Test
  void selectRemovesTheSelectedAxis() {
    Tensor x = iota(3, 4);
    Tensor row = x.select(0, 1);
    assertShape(row, 4);
    assertValues(new double[] {4, 5, 6, 7}, row);
    Tensor lastColumn = x.select(1, -1);
    assertShape(lastColumn, 3);
    assertValues(new double[] {3, 7, 11}, lastColumn);
    Tensor y = iota(2, 3, 4);
    assertValues(new double[] {1, 5, 9, 13, 17, 21}, y.select(2, 1));
  }

  @Test
  void selectOfAColumnIsAViewSharingStorage() {
    // PyTorch guarantees select is a view whatever the strides; only shape/stride arithmetic is
    // needed.
    Tensor x = Tensor.zeros(3, 4);
    Tensor column = x.select(1, 2);
    assertSame(x.buffer(), column.buffer(), "select(1, 2) copied instead of returning a view");
    column.copyFrom(Tensor.of(1, 2, 3));
    assertValues(new double[] {0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0}, x);
  }

  // ---------------------------------------------------------------- squeeze and unsqueeze

  @Test
  void squeezeRemovesSizeOneAxes() {
    Tensor x = iota(1, 3, 1, 2);
    assertShape(x.squeeze(), 3, 2);
    assertShape(x.squeeze(2), 1, 3, 2);
    assertShape(x.squeeze(-4), 3, 1, 2);
    assertValues(new double[] {0, 1, 2, 3, 4, 5}, x.squeeze());
    assertShape(iota(1, 1).squeeze(), new int[0]);
    assertThrows(IllegalArgumentException.class, () -> x.squeeze(1));
  }

  @Test
  void unsqueezeInsertsASizeOneAxis() {
    Tensor x = iota(2, 3);
    assertShape(x.unsqueeze(0), 1, 2, 3);
    assertShape(x.unsqueeze(1), 2, 1, 3);
    assertShape(x.unsqueeze(2), 2, 3, 1);
    assertShape(x.unsqueeze(-1), 2, 3, 1);
    assertShape(x.unsqueeze(-3), 1, 2, 3);
    assertShape(Tensor.scalar(1).unsqueeze(0), 1);
    assertSame(x.buffer(), x.unsqueeze(1).buffer());
  }

  @Test
  void squeezeAndUnsqueezeOfATransposedTensorAreViews() {
    // Adding or removing a size-1 axis never needs a copy (PyTorch: always a view).
    Tensor x = iota(2, 3);
    Tensor u = x.t().unsqueeze(0);
    assertShape(u, 1, 3, 2);
    assertSame(x.buffer(), u.buffer(), "unsqueeze of a transposed tensor copied");
    assertSame(x.buffer(), u.squeeze(0).buffer(), "squeeze of a transposed tensor copied");
  }

  // ---------------------------------------------------------------- expand and contiguous

  @Test
  void expandUsesStrideZeroWithoutCopying() {
    Tensor row = Tensor.of(1, 2, 3);
    Tensor e = row.expand(4, 3);
    assertShape(e, 4, 3);
    assertArrayEquals(new int[] {0, 1}, e.strides());
    assertSame(row.buffer(), e.buffer());
    for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) assertEquals(j + 1, e.get(i, j), 0.0);

    Tensor column = iota(3, 1);
    Tensor c = column.expand(3, 4);
    assertArrayEquals(new int[] {1, 0}, c.strides());
    assertValues(new double[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, c);

    // The expanded view sees later writes to its base: it really is the same storage.
    row.copyFrom(Tensor.of(7, 8, 9));
    assertEquals(8, e.get(3, 1), 0.0);
  }

  @Test
  void expandAddsLeadingAxesAndRejectsStretchingANonSingletonAxis() {
    Tensor e = Tensor.of(1, 2).expand(2, 3, 2);
    assertShape(e, 2, 3, 2);
    assertArrayEquals(new int[] {0, 0, 1}, e.strides());
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(1, 2, 3).expand(2, 4));
    assertThrows(IllegalArgumentException.class, () -> iota(2, 3).expand(3));
  }

  @Test
  void contiguousReturnsTheSameTensorWhenAlreadyContiguous() {
    Tensor x = iota(2, 3);
    assertSame(x, x.contiguous());
    Tensor rows = iota(4, 3).narrow(0, 1, 2); // whole rows: contiguous, at an offset
    assertTrue(rows.isContiguous());
    assertSame(rows.buffer(), rows.contiguous().buffer());
  }

  @Test
  void contiguousOfATransposedOrExpandedTensorCopiesIntoRowMajorOrder() {
    Tensor x = iota(2, 3);
    Tensor c = x.t().contiguous();
    assertNotSame(x.buffer(), c.buffer());
    assertTrue(c.isContiguous());
    assertArrayEquals(new int[] {2, 1}, c.strides());
    assertValues(new double[] {0, 3, 1, 4, 2, 5}, c);

    Tensor row = Tensor.of(1, 2);
    Tensor ec = row.expand(3, 2).contiguous();
    assertNotSame(row.buffer(), ec.buffer());
    assertEquals(6, ec.buffer().size());
    assertValues(new double[] {1, 2, 1, 2, 1, 2}, ec);
  }

  // ---------------------------------------------------------------- cat and stack

  /**
   * Naive cat of two row-major blocks along {@code axis}: the expected result, from index
   * arithmetic.
   */
  private static double[] naiveCat(double[] a, int[] as, double[] b, int[] bs, int axis) {
    int outer = 1, innerA = 1, innerB = 1;
    for (int i = 0; i < axis; i++) outer *= as[i];
    for (int i = axis; i < as.length; i++) innerA *= as[i];
    for (int i = axis; i < bs.length; i++) innerB *= bs[i];
    double[] out = new double[a.length + b.length];
    int k = 0;
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < innerA; i++) out[k++] = a[o * innerA + i];
      for (int i = 0; i < innerB; i++) out[k++] = b[o * innerB + i];
    }
    return out;
  }

  @Test
  void catJoinsAlongEveryAxisIncludingNegative() {
    int[][][] cases = {
      {{2, 3}, {1, 3}, {0}},
      {{2, 3}, {2, 2}, {1}},
      {{2, 3}, {2, 4}, {-1}},
      {{2, 3, 4}, {2, 1, 4}, {1}},
      {{2, 3, 4}, {2, 3, 2}, {2}},
      {{2, 3, 4}, {3, 3, 4}, {-3}},
    };
    for (int[][] c : cases) {
      Tensor a = iota(c[0]);
      Tensor b = iota(c[1]).add(100);
      int axis = c[2][0] < 0 ? c[2][0] + c[0].length : c[2][0];
      Tensor r = Tensor.cat(c[2][0], a, b);
      int[] expectedShape = c[0].clone();
      expectedShape[axis] += c[1][axis];
      assertShape(r, expectedShape);
      assertValues(naiveCat(a.toDoubleArray(), c[0], b.toDoubleArray(), c[1], axis), r);
    }
  }

  @Test
  void catOfThreePartsKeepsTheirOrder() {
    Tensor r = Tensor.cat(0, Tensor.of(1), Tensor.of(2, 3), Tensor.of(4, 5, 6));
    assertValues(new double[] {1, 2, 3, 4, 5, 6}, r);
  }

  @Test
  void catOfNonContiguousPartsReadsThemInLogicalOrder() {
    Tensor a = iota(2, 3).t(); // [[0,3],[1,4],[2,5]]
    Tensor r = Tensor.cat(1, a, Tensor.ones(3, 1));
    assertValues(new double[] {0, 3, 1, 1, 4, 1, 2, 5, 1}, r);
  }

  @Test
  void stackAddsANewAxisAtTheGivenPosition() {
    Tensor a = iota(2, 3), b = iota(2, 3).add(10);
    Tensor s0 = Tensor.stack(0, a, b);
    Tensor s1 = Tensor.stack(1, a, b);
    Tensor s2 = Tensor.stack(-1, a, b);
    assertShape(s0, 2, 2, 3);
    assertShape(s1, 2, 2, 3);
    assertShape(s2, 2, 3, 2);
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        double va = 3 * i + j, vb = va + 10;
        assertEquals(va, s0.get(0, i, j), 0.0);
        assertEquals(vb, s0.get(1, i, j), 0.0);
        assertEquals(va, s1.get(i, 0, j), 0.0);
        assertEquals(vb, s1.get(i, 1, j), 0.0);
        assertEquals(va, s2.get(i, j, 0), 0.0);
        assertEquals(vb, s2.get(i, j, 1), 0.0);
      }
    }
    assertShape(Tensor.stack(0, Tensor.scalar(1), Tensor.scalar(2)), 2);
  }

  // ---------------------------------------------------------------- writes through views

  @Test
  void writingThroughANarrowedViewChangesTheBase() {
    Tensor x = Tensor.zeros(3, 4);
    x.narrow(1, 1, 2).copyFrom(Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}));
    assertValues(new double[] {0, 1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0}, x);
  }

  @Test
  void writingThroughATransposedViewChangesTheBase() {
    Tensor x = Tensor.zeros(2, 3);
    x.t().copyFrom(iota(3, 2)); // x.t()[i][j] = x[j][i] ← 2i + j
    assertValues(new double[] {0, 2, 4, 1, 3, 5}, x);
  }

  @Test
  void writingThroughAStridedSliceAndARowSelectChangesTheBase() {
    Tensor x = Tensor.zeros(6);
    x.slice(0, 0, 6, 2).fillInPlace(1);
    assertValues(new double[] {1, 0, 1, 0, 1, 0}, x);

    Tensor m = Tensor.zeros(3, 2);
    m.select(0, 1).copyFrom(Tensor.of(7, 8));
    assertValues(new double[] {0, 0, 7, 8, 0, 0}, m);
  }

  @Test
  void viewsOfViewsComposeOffsetsAndStrides() {
    Tensor x = iota(4, 5);
    Tensor v = x.narrow(0, 1, 3).slice(1, 1, 5, 2).t(); // rows 1..3, columns 1 and 3, transposed
    assertShape(v, 2, 3);
    assertSame(x.buffer(), v.buffer());
    assertValues(new double[] {6, 11, 16, 8, 13, 18}, v);
  }

  // ---------------------------------------------------------------- reading elements

  @Test
  void getReadsOneElementAndAcceptsNegativeIndices() {
    Tensor x = iota(3, 4);
    assertEquals(6, x.get(1, 2), 0.0);
    assertEquals(11, x.get(-1, -1), 0.0);
    assertEquals(8, x.get(-1, 0), 0.0);
    assertEquals(6, x.t().get(2, 1), 0.0);
    assertEquals(4, Tensor.scalar(4).get(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> x.get(1));
    assertThrows(IllegalArgumentException.class, () -> x.get(3, 0));
    assertThrows(IllegalArgumentException.class, () -> x.get(0, -5));
  }

  @Test
  void toIntArrayReturnsLogicalOrderAndRejectsFractions() {
    assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, iota(2, 3).t().toIntArray());
    assertArrayEquals(new int[] {-2, 0, 7}, Tensor.of(-2, 0, 7).toIntArray());
    assertArrayEquals(
        new int[] {2, 0}, Tensor.of(new double[][] {{1, 2, 9}, {8, 0, 3}}).argmax(1).toIntArray());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(1, 1.5).toIntArray());
    assertTrue(
        e.getMessage().contains("toIntArray") && e.getMessage().contains("1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(Double.NaN).toIntArray());
  }
}
