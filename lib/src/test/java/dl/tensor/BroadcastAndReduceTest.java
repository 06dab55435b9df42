package dl.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.autograd.NoGrad;
import java.util.Arrays;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NumPy broadcasting, dtype promotion, reductions, matmul, comparisons, in-place updates and
 * softmax, each against a naive loop written in this file.
 */
class BroadcastAndReduceTest {

  // ================================================================ naive reference helpers

  private static int numel(int[] shape) {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  private static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    return idx;
  }

  /** Row-major flat index into {@code shape} of the output index {@code out}, NumPy-broadcast. */
  private static int broadcastFlat(int[] out, int[] shape) {
    int lead = out.length - shape.length, flat = 0;
    for (int d = 0; d < shape.length; d++)
      flat = flat * shape[d] + (shape[d] == 1 ? 0 : out[lead + d]);
    return flat;
  }

  /** The expected result of a broadcast binary op, element by element. */
  private static double[] naiveBinary(
      double[] a, int[] as, double[] b, int[] bs, int[] outShape, DoubleBinaryOperator f) {
    double[] r = new double[numel(outShape)];
    for (int i = 0; i < r.length; i++) {
      int[] idx = unravel(i, outShape);
      r[i] = f.applyAsDouble(a[broadcastFlat(idx, as)], b[broadcastFlat(idx, bs)]);
    }
    return r;
  }

  /** Deterministic, distinct, non-integer float64 data of the given shape. */
  private static double[] data(int n, double phase) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = Math.round(10 * Math.sin(1.3 * i + phase) * 1000) / 1000.0;
    return v;
  }

  private static void assertValues(double[] expected, Tensor t, double tol) {
    assertArrayEquals(
        expected, t.toDoubleArray(), tol, () -> "values of tensor of shape " + t.shape());
  }

  private static void assertShape(Tensor t, int... expected) {
    assertArrayEquals(expected, t.shape().toArray(), () -> "shape was " + t.shape());
  }

  // ================================================================ broadcasting

  static Stream<Arguments> binaryOps() {
    return Stream.of(
        Arguments.of(
            "add",
            (BinaryOperator<Tensor>) Tensor::add,
            (DoubleBinaryOperator) (x, y) -> x + y,
            0.0),
        Arguments.of(
            "sub",
            (BinaryOperator<Tensor>) Tensor::sub,
            (DoubleBinaryOperator) (x, y) -> x - y,
            0.0),
        Arguments.of(
            "mul",
            (BinaryOperator<Tensor>) Tensor::mul,
            (DoubleBinaryOperator) (x, y) -> x * y,
            0.0),
        Arguments.of(
            "div",
            (BinaryOperator<Tensor>) Tensor::div,
            (DoubleBinaryOperator) (x, y) -> x / y,
            1e-12),
        Arguments.of(
            "pow", (BinaryOperator<Tensor>) Tensor::pow, (DoubleBinaryOperator) Math::pow, 1e-12),
        Arguments.of(
            "maximum",
            (BinaryOperator<Tensor>) Tensor::maximum,
            (DoubleBinaryOperator) Math::max,
            0.0),
        Arguments.of(
            "minimum",
            (BinaryOperator<Tensor>) Tensor::minimum,
            (DoubleBinaryOperator) Math::min,
            0.0),
        Arguments.of(
            "gt",
            (BinaryOperator<Tensor>) Tensor::gt,
            (DoubleBinaryOperator) (x, y) -> x > y ? 1 : 0,
            0.0),
        Arguments.of(
            "ge",
            (BinaryOperator<Tensor>) Tensor::ge,
            (DoubleBinaryOperator) (x, y) -> x >= y ? 1 : 0,
            0.0),
        Arguments.of(
            "lt",
            (BinaryOperator<Tensor>) Tensor::lt,
            (DoubleBinaryOperator) (x, y) -> x < y ? 1 : 0,
            0.0),
        Arguments.of(
            "le",
            (BinaryOperator<Tensor>) Tensor::le,
            (DoubleBinaryOperator) (x, y) -> x <= y ? 1 : 0,
            0.0),
        Arguments.of(
            "eq",
            (BinaryOperator<Tensor>) Tensor::eq,
            (DoubleBinaryOperator) (x, y) -> x == y ? 1 : 0,
            0.0),
        Arguments.of(
            "ne",
            (BinaryOperator<Tensor>) Tensor::ne,
            (DoubleBinaryOperator) (x, y) -> x != y ? 1 : 0,
            0.0));
  }

  // Positive (for pow), with values shared between a and b so that eq/ge/le see ties.
  private static final double[] A = {0.5, 1, 1.5, 2, 2.5, 3};
  private static final double[] B = {1, 2, 3, 0.5};

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryOps")
  void binaryOpBroadcasts2x1x3With4x1To2x4x3(
      String name, BinaryOperator<Tensor> op, DoubleBinaryOperator ref, double tol) {
    int[] as = {2, 1, 3}, bs = {4, 1}, out = {2, 4, 3};
    Tensor r = op.apply(Tensor.fromArray(A, as), Tensor.fromArray(B, bs));
    assertShape(r, out);
    assertEquals(DType.FLOAT64, r.dtype());
    assertValues(naiveBinary(A, as, B, bs, out, ref), r, tol);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryOps")
  void binaryOpBroadcasts4x1With2x1x3InTheOtherOrder(
      String name, BinaryOperator<Tensor> op, DoubleBinaryOperator ref, double tol) {
    int[] as = {4, 1}, bs = {2, 1, 3}, out = {2, 4, 3};
    Tensor r = op.apply(Tensor.fromArray(B, as), Tensor.fromArray(A, bs));
    assertShape(r, out);
    assertValues(naiveBinary(B, as, A, bs, out, ref), r, tol);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryOps")
  void binaryOpWithA0DScalarOperandOnEitherSide(
      String name, BinaryOperator<Tensor> op, DoubleBinaryOperator ref, double tol) {
    int[] as = {2, 3};
    Tensor x = Tensor.fromArray(A, as);
    Tensor s = Tensor.scalar(1.5, DType.FLOAT64);
    Tensor left = op.apply(s, x), right = op.apply(x, s);
    assertShape(left, 2, 3);
    assertShape(right, 2, 3);
    assertValues(naiveBinary(new double[] {1.5}, new int[0], A, as, as, ref), left, tol);
    assertValues(naiveBinary(A, as, new double[] {1.5}, new int[0], as, ref), right, tol);
    Tensor both = op.apply(s, Tensor.scalar(2, DType.FLOAT64));
    assertEquals(0, both.dim());
    assertEquals(ref.applyAsDouble(1.5, 2), both.item(), tol);
  }

  @Test
  void float32BroadcastAddOfRowAndColumnMatchesNaiveLoop() {
    float[] col = {1, 2, 3}, row = {10, 20, 30, 40};
    Tensor r = Tensor.fromArray(col, 3, 1).add(Tensor.fromArray(row, 4));
    assertShape(r, 3, 4);
    assertEquals(DType.FLOAT32, r.dtype());
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 4; j++) assertEquals(col[i] + row[j], r.get(i, j), 0.0);
  }

  @Test
  void broadcastingANonContiguousOperandUsesItsLogicalValues() {
    Tensor at = Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).t(); // [[1,4],[2,5],[3,6]]
    Tensor r = at.mul(Tensor.of(10, 100).float64());
    assertValues(new double[] {10, 400, 20, 500, 30, 600}, r, 0.0);
  }

  @Test
  void float32WithFloat64PromotesToFloat64InEitherOrder() {
    Tensor f = Tensor.of(0.1, 2); // float32: 0.1 rounds to 0.100000001490116…
    Tensor d = Tensor.fromArray(new double[] {0.2, 3}, 2);
    for (Tensor r : new Tensor[] {f.add(d), d.add(f), f.mul(d), d.sub(f), f.maximum(d), f.gt(d)}) {
      assertEquals(DType.FLOAT64, r.dtype());
    }
    // The float32 value is widened exactly, not rounded to float32 after the add.
    assertEquals((double) 0.1f + 0.2, f.add(d).get(0), 0.0);
    assertEquals(DType.FLOAT64, f.matmul(d).dtype());
    assertEquals(DType.FLOAT32, f.add(f).dtype());
    assertEquals(DType.FLOAT32, f.add(1.0).dtype());
    assertEquals(DType.FLOAT64, Tensor.where(Tensor.of(1, 0), f, d).dtype());
  }

  // ================================================================ reductions

  private static final int[] RS = {2, 3, 4};
  private static final double[] RD = data(24, 0.3);

  private interface Reducer {
    /** The value of one reduced group, given its elements in row-major order. */
    double of(double[] group);
  }

  /**
   * Expected reduction over {@code axes} (non-negative): output in row-major order of the keepDim
   * shape (which is also the order without keepDim).
   */
  private static double[] naiveReduce(double[] v, int[] shape, int[] axes, Reducer f) {
    boolean[] reduced = new boolean[shape.length];
    for (int a : axes) reduced[a] = true;
    int[] outShape = shape.clone();
    for (int a : axes) outShape[a] = 1;
    int outN = numel(outShape), groupN = v.length / outN;
    double[][] groups = new double[outN][groupN];
    int[] fill = new int[outN];
    for (int i = 0; i < v.length; i++) {
      int[] idx = unravel(i, shape);
      int o = 0;
      for (int d = 0; d < shape.length; d++) o = o * outShape[d] + (reduced[d] ? 0 : idx[d]);
      groups[o][fill[o]++] = v[i];
    }
    double[] r = new double[outN];
    for (int o = 0; o < outN; o++) r[o] = f.of(groups[o]);
    return r;
  }

  private static double sum(double[] g) {
    double s = 0;
    for (double x : g) s += x;
    return s;
  }

  private static double mean(double[] g) {
    return sum(g) / g.length;
  }

  private static double sq(double[] g) {
    double m = mean(g), s = 0;
    for (double x : g) s += (x - m) * (x - m);
    return s;
  }

  private static int[] positive(int[] axes, int rank) {
    return Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).toArray();
  }

  private static int[] expectedShape(int[] shape, int[] axes, boolean keepDim) {
    int[] out = shape.clone();
    for (int a : axes) out[a] = keepDim ? 1 : -1;
    return Arrays.stream(out).filter(d -> d >= 0).toArray();
  }

  static Stream<Arguments> axisSets() {
    return Stream.of(
            new int[] {0},
            new int[] {1},
            new int[] {2},
            new int[] {-1},
            new int[] {-2},
            new int[] {0, 2},
            new int[] {-1, -3},
            new int[] {1, 2},
            new int[] {0, 1, 2})
        .flatMap(ax -> Stream.of(Arguments.of(ax, true), Arguments.of(ax, false)));
  }

  @ParameterizedTest(name = "axes {0} keepDim {1}")
  @MethodSource("axisSets")
  void reductionsOverAxesMatchNaiveLoops(int[] axes, boolean keepDim) {
    Tensor x = Tensor.fromArray(RD, RS);
    int[] pos = positive(axes, RS.length);
    int[] shape = expectedShape(RS, pos, keepDim);
    Object[][] cases = {
      {"sum", x.sum(axes, keepDim), (Reducer) BroadcastAndReduceTest::sum},
      {"mean", x.mean(axes, keepDim), (Reducer) BroadcastAndReduceTest::mean},
      {"max", x.max(axes, keepDim), (Reducer) g -> Arrays.stream(g).max().getAsDouble()},
      {"min", x.min(axes, keepDim), (Reducer) g -> Arrays.stream(g).min().getAsDouble()},
      {"var unbiased", x.var(axes, keepDim, true), (Reducer) g -> sq(g) / (g.length - 1)},
      {"var biased", x.var(axes, keepDim, false), (Reducer) g -> sq(g) / g.length},
    };
    for (Object[] c : cases) {
      Tensor r = (Tensor) c[1];
      assertArrayEquals(shape, r.shape().toArray(), () -> c[0] + " shape " + r.shape());
      assertArrayEquals(
          naiveReduce(RD, RS, pos, (Reducer) c[2]),
          r.toDoubleArray(),
          1e-12,
          () -> c[0] + " values");
    }
  }

  @Test
  void singleAxisOverloadsAgreeWithNaiveLoops() {
    Tensor x = Tensor.fromArray(RD, RS);
    assertShape(x.sum(1), 2, 4);
    assertValues(naiveReduce(RD, RS, new int[] {1}, BroadcastAndReduceTest::sum), x.sum(1), 1e-12);
    assertShape(x.sum(-1, true), 2, 3, 1);
    assertValues(
        naiveReduce(RD, RS, new int[] {2}, BroadcastAndReduceTest::mean), x.mean(-1, true), 1e-12);
    assertValues(
        naiveReduce(RD, RS, new int[] {0}, BroadcastAndReduceTest::mean), x.mean(0), 1e-12);
    assertValues(naiveReduce(RD, RS, new int[] {0}, g -> Math.max(g[0], g[1])), x.max(0), 0.0);
    assertValues(
        naiveReduce(RD, RS, new int[] {2}, g -> Arrays.stream(g).min().getAsDouble()),
        x.min(2, true),
        0.0);
  }

  @Test
  void fullReductionsGiveA0DTensor() {
    Tensor x = Tensor.fromArray(RD, RS);
    double s = sum(RD), m = s / 24, ss = sq(RD);
    for (Tensor r : new Tensor[] {x.sum(), x.mean(), x.max(), x.min(), x.var(), x.std()})
      assertEquals(0, r.dim());
    assertEquals(s, x.sum().item(), 1e-12);
    assertEquals(m, x.mean().item(), 1e-12);
    assertEquals(Arrays.stream(RD).max().getAsDouble(), x.max().item(), 0.0);
    assertEquals(Arrays.stream(RD).min().getAsDouble(), x.min().item(), 0.0);
    assertEquals(ss / 23, x.var().item(), 1e-12);
    assertEquals(Math.sqrt(ss / 23), x.std().item(), 1e-12);
  }

  @Test
  void varOfSmallHandComputedExample() {
    // [1, 2, 3, 4]: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5
    Tensor x = Tensor.of(1, 2, 3, 4);
    assertEquals(5.0 / 3, x.var().item(), 1e-6);
    assertEquals(1.25, x.var(new int[] {0}, false, false).item(), 0.0);
  }

  @Test
  void float32SumOfManyElementsIsAccurate() {
    // 10^5 copies of 0.1f: a float32 running sum would drift by about 1%.
    float[] v = new float[100_000];
    Arrays.fill(v, 0.1f);
    assertEquals(100_000 * (double) 0.1f, Tensor.fromArray(v, v.length).sum().item(), 1e-2);
  }

  @Test
  void argmaxAndArgminAlongEachAxisMatchNaiveLoops() {
    Tensor x = Tensor.fromArray(RD, RS);
    for (int axis = -3; axis < 3; axis++) {
      int a = axis < 0 ? axis + 3 : axis;
      int[] pos = {a};
      double[] expMax =
          naiveReduce(
              RD,
              RS,
              pos,
              g -> IntStream.range(0, g.length).reduce((i, j) -> g[j] > g[i] ? j : i).getAsInt());
      double[] expMin =
          naiveReduce(
              RD,
              RS,
              pos,
              g -> IntStream.range(0, g.length).reduce((i, j) -> g[j] < g[i] ? j : i).getAsInt());
      Tensor am = x.argmax(axis);
      assertArrayEquals(expectedShape(RS, pos, false), am.shape().toArray());
      assertValues(expMax, am, 0.0);
      Tensor amk = x.argmax(axis, true);
      assertArrayEquals(expectedShape(RS, pos, true), amk.shape().toArray());
      assertValues(expMax, amk, 0.0);
      assertValues(expMin, x.argmin(axis), 0.0);
    }
  }

  @Test
  void argmaxTiesGoToTheFirstIndexAndFlatArgmaxIndexesRowMajor() {
    assertEquals(1, Tensor.of(1, 3, 3, 0).argmax(0).item(), 0.0);
    assertEquals(1, Tensor.of(2, 0, 0, 5).argmin(0).item(), 0.0);
    Tensor m = Tensor.of(new double[][] {{1, 2, 3}, {9, 0, 4}});
    assertEquals(3, m.argmax());
    assertArrayEquals(new int[] {1, 0, 1}, m.argmax(0).toIntArray());
    assertArrayEquals(new int[] {0, 1, 0}, m.argmin(0).toIntArray());
    // m.t() = [[1,9],[2,0],[3,4]]: the 9 is at logical flat index 1 (its storage index is 3).
    assertEquals(1, m.t().argmax());
  }

  // ================================================================ matmul

  /** Naive C = A·B for row-major A [m,k] at offset ao and B [k,n] at offset bo. */
  private static double[] naiveMatmul(double[] a, int ao, double[] b, int bo, int m, int k, int n) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += a[ao + i * k + p] * b[bo + p * n + j];
        c[i * n + j] = s;
      }
    return c;
  }

  @Test
  void matmulOfTwoMatrices() {
    double[] a = data(12, 0.1), b = data(20, 0.7);
    Tensor r = Tensor.fromArray(a, 3, 4).matmul(Tensor.fromArray(b, 4, 5));
    assertShape(r, 3, 5);
    assertValues(naiveMatmul(a, 0, b, 0, 3, 4, 5), r, 1e-12);
  }

  @Test
  void matmulHandExample() {
    // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]
    Tensor r =
        Tensor.of(new double[][] {{1, 2}, {3, 4}})
            .matmul(Tensor.of(new double[][] {{5, 6}, {7, 8}}));
    assertValues(new double[] {19, 22, 43, 50}, r, 0.0);
  }

  @Test
  void matmulOfVectorAndMatrixDropsTheVectorAxis() {
    double[] v = data(4, 0.2), m = data(20, 0.9), w = data(5, 1.1);
    Tensor vm = Tensor.fromArray(v, 4).matmul(Tensor.fromArray(m, 4, 5));
    assertShape(vm, 5);
    assertValues(naiveMatmul(v, 0, m, 0, 1, 4, 5), vm, 1e-12);
    Tensor mv = Tensor.fromArray(m, 4, 5).matmul(Tensor.fromArray(w, 5));
    assertShape(mv, 4);
    assertValues(naiveMatmul(m, 0, w, 0, 4, 5, 1), mv, 1e-12);
  }

  @Test
  void matmulOfTwoVectorsIsTheirDotProductAsA0DTensor() {
    Tensor r = Tensor.of(1, 2, 3).matmul(Tensor.of(4, -5, 6));
    assertEquals(0, r.dim());
    assertEquals(1 * 4 - 2 * 5 + 3 * 6, r.item(), 0.0);
  }

  @Test
  void batchedMatmulBroadcastsA2DRightOperandOverTheBatch() {
    double[] a = data(24, 0.4), b = data(20, 1.7);
    Tensor r = Tensor.fromArray(a, 2, 3, 4).matmul(Tensor.fromArray(b, 4, 5));
    assertShape(r, 2, 3, 5);
    double[] expected = new double[30];
    for (int batch = 0; batch < 2; batch++)
      System.arraycopy(naiveMatmul(a, batch * 12, b, 0, 3, 4, 5), 0, expected, batch * 15, 15);
    assertValues(expected, r, 1e-12);
  }

  @Test
  void matmulBroadcastsBatchAxes2x1With5() {
    double[] a = data(2 * 3 * 4, 0.5), b = data(5 * 4 * 2, 2.5);
    Tensor r = Tensor.fromArray(a, 2, 1, 3, 4).matmul(Tensor.fromArray(b, 5, 4, 2));
    assertShape(r, 2, 5, 3, 2);
    double[] expected = new double[2 * 5 * 6];
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 5; j++)
        System.arraycopy(
            naiveMatmul(a, i * 12, b, j * 8, 3, 4, 2), 0, expected, (i * 5 + j) * 6, 6);
    assertValues(expected, r, 1e-12);
  }

  @Test
  void matmulOfTransposedOperandsReadsTheirLogicalValues() {
    double[] a = data(12, 0.6), b = data(20, 0.8);
    // a stored as [4,3] and transposed to [3,4]; b stored as [5,4] and transposed to [4,5].
    Tensor r = Tensor.fromArray(a, 4, 3).t().matmul(Tensor.fromArray(b, 5, 4).t());
    double[] c = new double[15];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 5; j++)
        for (int p = 0; p < 4; p++) c[i * 5 + j] += a[p * 3 + i] * b[j * 4 + p];
    assertValues(c, r, 1e-12);
  }

  @Test
  void largeFloat32MatmulOnTheParallelPathMatchesNaiveLoop() {
    int m = 70,
        k = 64,
        n = 66; // m·k·n above the backend's threshold for splitting rows over threads
    float[] a = new float[m * k], b = new float[k * n];
    Rng rng = new Rng(11);
    for (int i = 0; i < a.length; i++) a[i] = (float) rng.normal();
    for (int i = 0; i < b.length; i++) b[i] = (float) rng.normal();
    Tensor r = Tensor.fromArray(a, m, k).matmul(Tensor.fromArray(b, k, n));
    assertEquals(DType.FLOAT32, r.dtype());
    double[] got = r.toDoubleArray();
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[p * n + j];
        assertEquals(s, got[i * n + j], 1e-4, "seed 11, element (" + i + ", " + j + ")");
      }
  }

  // ================================================================ comparisons, where, maskedFill

  @Test
  void comparisonsGiveOnesAndZeros() {
    Tensor a = Tensor.of(1, 2, 3), b = Tensor.of(3, 2, 1);
    assertValues(new double[] {0, 0, 1}, a.gt(b), 0.0);
    assertValues(new double[] {0, 1, 1}, a.ge(b), 0.0);
    assertValues(new double[] {1, 0, 0}, a.lt(b), 0.0);
    assertValues(new double[] {1, 1, 0}, a.le(b), 0.0);
    assertValues(new double[] {0, 1, 0}, a.eq(b), 0.0);
    assertValues(new double[] {1, 0, 1}, a.ne(b), 0.0);
    assertValues(new double[] {0, 1, 1}, a.gt(1.5), 0.0);
    assertValues(new double[] {1, 1, 0}, a.le(2), 0.0);
    assertValues(new double[] {0, 0, 1}, a.eq(3), 0.0);
    assertValues(new double[] {1, 0, 1}, a.ne(2), 0.0);
    assertValues(new double[] {0, 1, 1}, a.ge(2), 0.0);
    assertValues(new double[] {1, 0, 0}, a.lt(2), 0.0);
  }

  @Test
  void whereBroadcastsConditionAndBothBranches() {
    Tensor cond = Tensor.of(1, 0, 1); // [3]
    Tensor a = Tensor.of(new double[][] {{10}, {20}}); // [2,1]
    Tensor b = Tensor.scalar(-1);
    Tensor r = Tensor.where(cond, a, b);
    assertShape(r, 2, 3);
    assertValues(new double[] {10, -1, 10, 20, -1, 20}, r, 0.0);
    // Any non-zero counts as true.
    assertValues(
        new double[] {7, 0, 7},
        Tensor.where(Tensor.of(-2, 0, 0.5), Tensor.scalar(7), Tensor.scalar(0)),
        0.0);
  }

  @Test
  void maskedFillReplacesWhereTheMaskIsSet() {
    Tensor x = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    Tensor r = x.maskedFill(x.gt(3), -100);
    assertValues(new double[] {1, 2, 3, -100, -100, -100}, r, 0.0);
    Tensor rowMask = x.maskedFill(Tensor.of(0, 1, 0), 0); // mask broadcast over rows
    assertValues(new double[] {1, 0, 3, 4, 0, 6}, rowMask, 0.0);
    assertValues(new double[] {1, 2, 3, 4, 5, 6}, x, 0.0); // not in place
  }

  // ================================================================ in place

  @Test
  void addInPlaceWithAlphaBroadcastsIntoTheTarget() {
    Tensor w = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    Tensor before = w;
    w.addInPlace(Tensor.of(2, 4, 6), -0.5);
    assertSame(before, w);
    assertValues(new double[] {0, 0, 0, 3, 3, 3}, w, 0.0);
    w.addInPlace(Tensor.scalar(1));
    assertValues(new double[] {1, 1, 1, 4, 4, 4}, w, 0.0);
  }

  @Test
  void subMulFillAndCopyInPlace() {
    Tensor w = Tensor.of(5, 6, 7);
    w.subInPlace(Tensor.of(1, 2, 3));
    assertValues(new double[] {4, 4, 4}, w, 0.0);
    w.mulInPlace(Tensor.of(1, 2, 3));
    assertValues(new double[] {4, 8, 12}, w, 0.0);
    w.mulInPlace(0.25);
    assertValues(new double[] {1, 2, 3}, w, 0.0);
    w.fillInPlace(9);
    assertValues(new double[] {9, 9, 9}, w, 0.0);
    w.zeroInPlace();
    assertValues(new double[] {0, 0, 0}, w, 0.0);
    w.copyFrom(
        Tensor.fromArray(new double[] {1.5, 2.5, 3.5}, 3)); // float64 source into a float32 target
    assertEquals(DType.FLOAT32, w.dtype());
    assertValues(new double[] {1.5, 2.5, 3.5}, w, 0.0);
    Tensor m = Tensor.zeros(2, 2);
    m.copyFrom(Tensor.of(3, 4));
    assertValues(new double[] {3, 4, 3, 4}, m, 0.0);
  }

  @Test
  void inPlaceOpOnAViewUpdatesTheBase() {
    Tensor w = Tensor.zeros(2, 3);
    w.narrow(1, 1, 2).addInPlace(Tensor.of(1, 2));
    assertValues(new double[] {0, 1, 2, 0, 1, 2}, w, 0.0);
    w.t().mulInPlace(Tensor.of(new double[][] {{1, 1}, {10, 100}, {1, 1}}));
    assertValues(new double[] {0, 10, 2, 0, 100, 2}, w, 0.0);
  }

  @Test
  void inPlaceOpCannotGrowItsTarget() {
    Tensor w = Tensor.zeros(3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> w.addInPlace(Tensor.ones(2, 3)));
    assertTrue(
        e.getMessage().contains("addInPlace")
            && e.getMessage().contains("[2,3]")
            && e.getMessage().contains("[3]"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> w.copyFrom(Tensor.ones(2, 3)));
  }

  @Test
  void inPlaceOnATensorThatRequiresGradFailsOutsideNoGrad() {
    Tensor w = Tensor.of(1, 2, 3).requiresGrad(true);
    Object[][] ops = {
      {"addInPlace", (Runnable) () -> w.addInPlace(Tensor.ones(3), -0.1)},
      {"subInPlace", (Runnable) () -> w.subInPlace(Tensor.ones(3))},
      {"mulInPlace", (Runnable) () -> w.mulInPlace(2)},
      {"fillInPlace", (Runnable) () -> w.fillInPlace(0)},
      {"copyFrom", (Runnable) () -> w.copyFrom(Tensor.ones(3))},
    };
    for (Object[] op : ops) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, ((Runnable) op[1])::run, (String) op[0]);
      assertTrue(
          e.getMessage().startsWith((String) op[0]) && e.getMessage().contains("NoGrad"),
          e.getMessage());
    }
    assertValues(new double[] {1, 2, 3}, w, 0.0); // nothing was written before the check
    try (NoGrad scope = NoGrad.enter()) {
      w.addInPlace(Tensor.ones(3), -0.5);
    }
    assertValues(new double[] {0.5, 1.5, 2.5}, w, 0.0);
  }

  // ================================================================ softmax

  @Test
  void softmaxRowsSumToOneAndMatchNaiveFormula() {
    double[] v = data(12, 0.2);
    Tensor p = Tensor.fromArray(v, 3, 4).softmax(1);
    double[] got = p.toDoubleArray();
    for (int i = 0; i < 3; i++) {
      double z = 0, rowSum = 0;
      for (int j = 0; j < 4; j++) z += Math.exp(v[i * 4 + j]);
      for (int j = 0; j < 4; j++) {
        assertEquals(Math.exp(v[i * 4 + j]) / z, got[i * 4 + j], 1e-12);
        rowSum += got[i * 4 + j];
      }
      assertEquals(1, rowSum, 1e-12);
    }
    Tensor cols = Tensor.fromArray(v, 3, 4).softmax(0).sum(0);
    assertValues(new double[] {1, 1, 1, 1}, cols, 1e-12);
    assertValues(new double[] {1, 1, 1}, Tensor.fromArray(v, 3, 4).softmax(-1).sum(-1), 1e-12);
  }

  @Test
  void logSoftmaxOfLogitsPlusMinus1000IsFinite() {
    Tensor r = Tensor.of(1000, -1000, 0).logSoftmax(0);
    for (double x : r.toDoubleArray())
      assertTrue(Double.isFinite(x), Arrays.toString(r.toDoubleArray()));
    assertValues(new double[] {0, -2000, -1000}, r, 1e-3);
    assertValues(
        new double[] {-Math.log(2), -Math.log(2)}, Tensor.of(1000, 1000).logSoftmax(0), 1e-6);
    Tensor p = Tensor.of(new double[][] {{1000, -1000}, {-1000, 1000}}).softmax(1);
    assertValues(new double[] {1, 0, 0, 1}, p, 0.0);
  }

  // ================================================================ random numbers

  @Test
  void manualSeedMakesRandnReproducible() {
    Tensor.manualSeed(123);
    double[] first = Tensor.randn(4, 5).toDoubleArray();
    double[] firstU = Tensor.rand(3).toDoubleArray();
    Tensor.manualSeed(123);
    assertArrayEquals(first, Tensor.randn(4, 5).toDoubleArray(), 0.0);
    assertArrayEquals(firstU, Tensor.rand(3).toDoubleArray(), 0.0);
    Tensor.manualSeed(124);
    assertFalse(Arrays.equals(first, Tensor.randn(4, 5).toDoubleArray()));
  }

  @Test
  void explicitRngWithTheSameSeedGivesTheSameSamples() {
    assertArrayEquals(
        Tensor.randn(new Rng(9), 10).toDoubleArray(),
        Tensor.randn(new Rng(9), 10).toDoubleArray(),
        0.0);
    assertFalse(
        Arrays.equals(
            Tensor.randn(new Rng(9), 10).toDoubleArray(),
            Tensor.randn(new Rng(10), 10).toDoubleArray()));
    Rng rng = new Rng(9);
    assertNotEquals(rng.normal(), rng.normal()); // successive draws differ
    double[] u = Tensor.rand(new Rng(3), 1000).toDoubleArray();
    for (double x : u) assertTrue(x >= 0 && x < 1, "uniform sample " + x);
  }

  @Test
  void stdAlongAnAxisUsesBesselsCorrection() {
    Tensor x = Tensor.of(new double[][] {{1, 2}, {3, 6}, {5, 10}});
    // column 0: mean 3, squared deviations 4 + 0 + 4 = 8, / (3 − 1) = 4 → 2; column 1: mean 6, 16 +
    // 0 + 16 = 32 / 2 → 4
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new float[] {2f, 4f}, x.std(0).toFloatArray(), 1e-6f);
  }
}
