package dl.tensor;

import dl.Check;
import dl.DType;
import dl.autograd.Autograd;
import dl.autograd.Function;
import dl.autograd.GraphLinks;
import dl.autograd.NoGrad;
import dl.autograd.ops.Abs;
import dl.autograd.ops.Add;
import dl.autograd.ops.Cast;
import dl.autograd.ops.Cat;
import dl.autograd.ops.Contiguous;
import dl.autograd.ops.Cos;
import dl.autograd.ops.Exp;
import dl.autograd.ops.Expand;
import dl.autograd.ops.Gather;
import dl.autograd.ops.IndexSelect;
import dl.autograd.ops.Log;
import dl.autograd.ops.LogSoftmaxOp;
import dl.autograd.ops.MatMul;
import dl.autograd.ops.Max;
import dl.autograd.ops.Maximum;
import dl.autograd.ops.Mul;
import dl.autograd.ops.Neg;
import dl.autograd.ops.Permute;
import dl.autograd.ops.Pow;
import dl.autograd.ops.ReluOp;
import dl.autograd.ops.Reshape;
import dl.autograd.ops.SigmoidOp;
import dl.autograd.ops.Sin;
import dl.autograd.ops.Slice;
import dl.autograd.ops.Sum;
import dl.autograd.ops.TanhOp;
import dl.autograd.ops.ToDevice;
import dl.autograd.ops.Where;
import dl.backend.Backend;
import dl.backend.Backends;
import dl.backend.BinaryOp;
import dl.backend.Buffer;
import dl.backend.ReduceOp;
import dl.backend.View;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * An N-dimensional array of float32 or float64 numbers that remembers how it was computed, so
 * {@link #backward()} can differentiate through it.
 *
 * <pre>{@code
 * jshell> var x = Tensor.of(1, 2, 3).requiresGrad(true);
 * jshell> var y = x.mul(x).sum();      // y = Σ x²
 * jshell> y.backward();
 * jshell> x.grad()
 * $4 ==> tensor([2., 4., 6.])          // dy/dx = 2x
 * }</pre>
 *
 * <p>A tensor is a view (shape, strides, offset) onto a buffer; {@code reshape}, {@code transpose},
 * {@code narrow}, {@code expand} and friends share the buffer instead of copying. Binary ops
 * broadcast by NumPy's rules. Methods follow PyTorch's names so its documentation reads alongside.
 *
 * <p>NOTE: the longest file in the library, on purpose: it is the one class a student calls, with
 * one short method per operation (as {@code torch.Tensor} has), each handing its work to an op in
 * {@code dl.autograd.ops} (differentiable) or to {@link TensorMath} (not). Splitting it would only
 * scatter the API; the arithmetic lives elsewhere.
 */
public final class Tensor {
  // NOTE: not final only so that toInPlace(device) can move a parameter without changing its
  // identity (optimizers hold references to parameters).
  private View view;
  private final Shape shape;
  private boolean requiresGrad;
  private boolean retainGrad;
  private Tensor grad;
  private Function gradFn;
  private boolean computedUnderNoGrad; // from inputs that require grad, while recording was off

  Tensor(View view) {
    this.view = view;
    this.shape = Shape.of(view.shape());
  }

  // ================================================================ factories

  /**
   * Sets the seed of the global random generator, like {@code torch.manual_seed}: the one shared by
   * every thread, or inside {@link Rng#withSeed} only the run's own (see {@link Rng} on threads).
   */
  public static void manualSeed(long seed) {
    Rng.seedGlobal(seed);
  }

  /** A 1-D float32 tensor of the given values. */
  public static Tensor of(double... values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
    return fromArray(f, values.length);
  }

  /** A 2-D float32 tensor from rows of equal length. */
  public static Tensor of(double[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    float[] f = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != cols) {
        throw Check.badArgument(
            "Tensor.of", "row %s has %s values, row 0 has %s", i, rows[i].length, cols);
      }
      for (int j = 0; j < cols; j++) f[i * cols + j] = (float) rows[i][j];
    }
    return fromArray(f, rows.length, cols);
  }

  /** A float32 tensor with the given row-major data and shape. */
  public static Tensor fromArray(float[] data, int... shape) {
    Shape s = checkData("fromArray", data.length, shape);
    return new Tensor(View.contiguous(backend().fromArray(data), s.toArray()));
  }

  /** A float64 tensor with the given row-major data and shape. */
  public static Tensor fromArray(double[] data, int... shape) {
    Shape s = checkData("fromArray", data.length, shape);
    return new Tensor(View.contiguous(backend().fromArray(data), s.toArray()));
  }

  private static Shape checkData(String op, int length, int[] shape) {
    Shape s = Shape.of(shape);
    if (s.numel() != length) {
      throw Check.badArgument(
          op, "%s values cannot fill shape %s (%s elements)", length, s, s.numel());
    }
    return s;
  }

  /** A 0-D tensor holding one number. */
  public static Tensor scalar(double value) {
    return scalar(value, DType.FLOAT32);
  }

  /** A 0-D tensor of the given type holding one number. */
  public static Tensor scalar(double value, DType dtype) {
    return full(dtype, value);
  }

  public static Tensor zeros(int... shape) {
    return zeros(DType.FLOAT32, shape);
  }

  public static Tensor zeros(DType dtype, int... shape) {
    return TensorMath.zeros(backend(), Shape.of(shape), dtype);
  }

  public static Tensor ones(int... shape) {
    return full(DType.FLOAT32, 1, shape);
  }

  public static Tensor ones(DType dtype, int... shape) {
    return full(dtype, 1, shape);
  }

  /** A tensor filled with {@code value}. */
  public static Tensor full(DType dtype, double value, int... shape) {
    Tensor t = zeros(dtype, shape);
    if (value != 0) t.buffer().backend().fill(t.view, value);
    return t;
  }

  /** 0, 1, …, n−1 as float32. */
  public static Tensor arange(int n) {
    return arange(0, n, 1);
  }

  /** start, start+step, … (before end) as float32. */
  public static Tensor arange(double start, double end, double step) {
    if (step == 0 || (end - start) / step < 0) {
      throw Check.badArgument("arange", "cannot go from %s to %s in steps of %s", start, end, step);
    }
    int n = (int) Math.ceil((end - start) / step);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) f[i] = (float) (start + i * step);
    return fromArray(f, n);
  }

  /** n evenly spaced values from start to end inclusive, as float32. */
  public static Tensor linspace(double start, double end, int n) {
    if (n < 1) throw new IllegalArgumentException("linspace: need at least 1 point, got " + n);
    float[] f = new float[n];
    for (int i = 0; i < n; i++)
      f[i] = (float) (n == 1 ? start : start + (end - start) * i / (n - 1));
    return fromArray(f, n);
  }

  /** The n×n identity matrix. */
  public static Tensor eye(int n) {
    float[] f = new float[n * n];
    for (int i = 0; i < n; i++) f[i * n + i] = 1;
    return fromArray(f, n, n);
  }

  /** Uniform in [0, 1) from the global generator. */
  public static Tensor rand(int... shape) {
    return rand(Rng.global(), shape);
  }

  /** Uniform in [0, 1) from {@code rng}. */
  public static Tensor rand(Rng rng, int... shape) {
    float[] f = new float[Shape.of(shape).numel()];
    for (int i = 0; i < f.length; i++) f[i] = (float) rng.uniform();
    return fromArray(f, shape);
  }

  /** Standard normal samples from the global generator. */
  public static Tensor randn(int... shape) {
    return randn(Rng.global(), shape);
  }

  /** Standard normal samples from {@code rng}. */
  public static Tensor randn(Rng rng, int... shape) {
    float[] f = new float[Shape.of(shape).numel()];
    for (int i = 0; i < f.length; i++) f[i] = (float) rng.normal();
    return fromArray(f, shape);
  }

  /** Zeros of {@code t}'s shape and dtype, on {@code t}'s device. */
  public static Tensor zerosLike(Tensor t) {
    return TensorMath.zeros(t.buffer().backend(), t.shape, t.dtype());
  }

  /** Ones of {@code t}'s shape and dtype, on {@code t}'s device. */
  public static Tensor onesLike(Tensor t) {
    Tensor r = zerosLike(t);
    r.buffer().backend().fill(r.view, 1);
    return r;
  }

  /** A 0-D tensor of this tensor's dtype on this tensor's device (for ops with a constant). */
  private Tensor scalarLike(double value) {
    return TensorMath.scalarLike(this, value);
  }

  private static Backend backend() {
    return Backends.current();
  }

  // ================================================================ what it is

  public Shape shape() {
    return shape;
  }

  /** Size of one axis (negative counts from the end). */
  public int size(int axis) {
    return shape.get(axis);
  }

  /** Number of axes. */
  public int dim() {
    return shape.rank();
  }

  public int numel() {
    return shape.numel();
  }

  public DType dtype() {
    return view.dtype();
  }

  /**
   * The storage layout (buffer, shape, strides, offset) that {@link TensorMath} hands to backends.
   */
  View layout() {
    return view;
  }

  /** The buffer this tensor is a view of (shared with other views). */
  public Buffer buffer() {
    return view.buffer();
  }

  public int[] strides() {
    return view.strides().clone();
  }

  public boolean isContiguous() {
    return view.isContiguous();
  }

  /** The single value of a one-element tensor. */
  public double item() {
    if (numel() != 1)
      throw Check.badArgument("item", "tensor of shape %s has %s elements, not 1", shape, numel());
    return toDoubleArray()[0];
  }

  /** The element at {@code index} (one index per axis). */
  public double get(int... index) {
    if (index.length != dim()) {
      throw Check.badArgument("get", "%s indices for a tensor of shape %s", index.length, shape);
    }
    Tensor t = this;
    for (int k = 0; k < index.length; k++) {
      int i = index[k] < 0 ? index[k] + shape.get(k) : index[k];
      if (i < 0 || i >= shape.get(k)) {
        throw Check.badArgument(
            "get", "index %s out of range for axis %s of shape %s", index[k], k, shape);
      }
      t = TensorMath.slice(t, k, i, i + 1, 1);
    }
    return t.item();
  }

  /** The elements in row-major order as doubles (a copy). */
  public double[] toDoubleArray() {
    return buffer().backend().toDoubleArray(view);
  }

  /** The elements in row-major order as floats (a copy). */
  public float[] toFloatArray() {
    return buffer().backend().toFloatArray(view);
  }

  /** The elements as ints, e.g. class labels or argmax results; fails on non-integers. */
  public int[] toIntArray() {
    double[] d = toDoubleArray();
    int[] r = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      r[i] = (int) d[i];
      if (r[i] != d[i])
        throw Check.badArgument("toIntArray", "element %s is %s, not an integer", i, d[i]);
    }
    return r;
  }

  // ================================================================ autograd

  /** Whether gradients flow back to this tensor. */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /**
   * Marks a leaf tensor (a parameter or input) as one whose gradient {@link #backward} computes.
   */
  public Tensor requiresGrad(boolean value) {
    if (gradFn != null && !value) {
      throw Check.badArgument(
          "requiresGrad", "tensor computed by %s is part of a graph; use detach()", gradFn.name());
    }
    requiresGrad = value;
    return this;
  }

  /** The gradient accumulated by {@link #backward}, or null if none yet. */
  public Tensor grad() {
    return grad;
  }

  /** The primitive that computed this tensor, or null for a leaf. */
  public Function gradFn() {
    return gradFn;
  }

  /** True for tensors not computed by a recorded op: inputs and parameters. */
  public boolean isLeaf() {
    return gradFn == null;
  }

  /** Keeps the gradient of this intermediate tensor in {@link #grad()} after backward. */
  public Tensor retainGrad() {
    retainGrad = true;
    return this;
  }

  public boolean retainsGrad() {
    return retainGrad;
  }

  /** Backward from a scalar: the seed gradient is 1. */
  public void backward() {
    if (numel() != 1) {
      throw Check.badArgument(
          "backward",
          "tensor of shape %s is not a scalar; pass the gradient explicitly with backward(grad)",
          shape);
    }
    backward(onesLike(this), false);
  }

  /** Backward with an explicit seed gradient of this tensor's shape. */
  public void backward(Tensor gradient) {
    backward(gradient, false);
  }

  /** Backward; {@code retainGraph} keeps the graph so backward can run through it again. */
  public void backward(Tensor gradient, boolean retainGraph) {
    Autograd.backward(this, gradient, retainGraph);
  }

  /** Clears the accumulated gradient. */
  public void zeroGrad() {
    grad = null;
  }

  /** The same data, cut from the graph: no gradient flows through the result. */
  public Tensor detach() {
    return new Tensor(view);
  }

  /** True if this tensor was computed from inputs that require grad while NoGrad was on. */
  public boolean computedUnderNoGrad() {
    return computedUnderNoGrad;
  }

  private boolean isLeafBeforeAttach() {
    return gradFn == null;
  }

  // Autograd's writes to the graph fields, reachable only through dl.autograd.GraphLinks (see there
  // why they are not public methods).
  static {
    GraphLinks.register(new Links());
  }

  private static final class Links extends GraphLinks {
    @Override
    protected void attachGradFn(Tensor t, Function fn) {
      if (!t.isLeafBeforeAttach())
        throw new IllegalStateException("attachGradFn: tensor already has a grad_fn");
      t.gradFn = fn;
      t.requiresGrad = true;
    }

    @Override
    protected void markComputedUnderNoGrad(Tensor t) {
      t.computedUnderNoGrad = true;
    }

    @Override
    protected void accumulateGrad(Tensor t, Tensor g, boolean owned) {
      Tensor gi = TensorMath.cast(g, t.dtype());
      // Copied unless only the engine holds g: it may be the caller's seed or an op's tensor.
      if (t.grad == null) t.grad = owned ? gi : TensorMath.copy(gi);
      else t.grad = TensorMath.binary(BinaryOp.ADD, t.grad, gi);
    }
  }

  // ================================================================ elementwise arithmetic

  public Tensor add(Tensor other) {
    return new Add().apply(this, other);
  }

  public Tensor add(double value) {
    return add(scalarLike(value));
  }

  public Tensor sub(Tensor other) {
    Shape.broadcast("sub", shape, other.shape);
    return add(other.neg());
  }

  public Tensor sub(double value) {
    return add(-value);
  }

  public Tensor mul(Tensor other) {
    return new Mul().apply(this, other);
  }

  public Tensor mul(double value) {
    return mul(scalarLike(value));
  }

  /** a / b, composed as a · b⁻¹. */
  public Tensor div(Tensor other) {
    Shape.broadcast("div", shape, other.shape);
    return mul(other.pow(-1));
  }

  public Tensor div(double value) {
    return mul(1.0 / value);
  }

  public Tensor neg() {
    return new Neg().apply(this);
  }

  /** Elementwise power with a constant exponent. */
  public Tensor pow(double exponent) {
    return new Pow(exponent).apply(this);
  }

  /** Elementwise power with a tensor exponent: exp(b · ln a), so a must be positive. */
  public Tensor pow(Tensor exponent) {
    Shape.broadcast("pow", shape, exponent.shape);
    return exponent.mul(log()).exp();
  }

  public Tensor square() {
    return mul(this);
  }

  public Tensor sqrt() {
    return pow(0.5);
  }

  public Tensor reciprocal() {
    return pow(-1);
  }

  public Tensor exp() {
    return new Exp().apply(this);
  }

  /** Natural logarithm. */
  public Tensor log() {
    return new Log().apply(this);
  }

  public Tensor sin() {
    return new Sin().apply(this);
  }

  public Tensor cos() {
    return new Cos().apply(this);
  }

  public Tensor tanh() {
    return new TanhOp().apply(this);
  }

  public Tensor sigmoid() {
    return new SigmoidOp().apply(this);
  }

  public Tensor relu() {
    return new ReluOp().apply(this);
  }

  public Tensor abs() {
    return new Abs().apply(this);
  }

  /** Elementwise max(a, b). */
  public Tensor maximum(Tensor other) {
    return new Maximum().apply(this, other);
  }

  /** Elementwise min(a, b) = −max(−a, −b). */
  public Tensor minimum(Tensor other) {
    Shape.broadcast("minimum", shape, other.shape);
    return neg().maximum(other.neg()).neg();
  }

  /** Limits every element to [min, max]. */
  public Tensor clamp(double min, double max) {
    if (min > max) throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
    return maximum(scalarLike(min)).minimum(scalarLike(max));
  }

  // ================================================================ comparisons (not
  // differentiable)

  public Tensor gt(Tensor other) {
    return TensorMath.binary(BinaryOp.GT, this, other);
  }

  public Tensor gt(double v) {
    return gt(scalarLike(v));
  }

  public Tensor ge(Tensor other) {
    return TensorMath.binary(BinaryOp.GE, this, other);
  }

  public Tensor ge(double v) {
    return ge(scalarLike(v));
  }

  public Tensor lt(Tensor other) {
    return TensorMath.binary(BinaryOp.LT, this, other);
  }

  public Tensor lt(double v) {
    return lt(scalarLike(v));
  }

  public Tensor le(Tensor other) {
    return TensorMath.binary(BinaryOp.LE, this, other);
  }

  public Tensor le(double v) {
    return le(scalarLike(v));
  }

  public Tensor eq(Tensor other) {
    return TensorMath.binary(BinaryOp.EQ, this, other);
  }

  public Tensor eq(double v) {
    return eq(scalarLike(v));
  }

  public Tensor ne(Tensor other) {
    return TensorMath.binary(BinaryOp.NE, this, other);
  }

  public Tensor ne(double v) {
    return ne(scalarLike(v));
  }

  /** {@code cond ? a : b} elementwise (cond non-zero means true), broadcasting all three. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    return new Where().apply(cond, a, b);
  }

  /** This tensor with {@code value} wherever {@code mask} is non-zero. */
  public Tensor maskedFill(Tensor mask, double value) {
    return where(mask, scalarLike(value), this);
  }

  /** True when every element is within {@code atol + rtol·|other|} of {@code other}'s. */
  public boolean allClose(Tensor other, double rtol, double atol) {
    Shape s = Shape.broadcast("allClose", shape, other.shape);
    double[] a = TensorMath.expand(this, s).toDoubleArray(),
        b = TensorMath.expand(other, s).toDoubleArray();
    for (int i = 0; i < a.length; i++) {
      if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i])) && !(a[i] == b[i])) return false;
    }
    return true;
  }

  // ================================================================ reductions

  /** Sum of all elements (a 0-D tensor). */
  public Tensor sum() {
    return sum(allAxes(), false);
  }

  public Tensor sum(int axis) {
    return sum(new int[] {axis}, false);
  }

  public Tensor sum(int axis, boolean keepDim) {
    return sum(new int[] {axis}, keepDim);
  }

  public Tensor sum(int[] axes, boolean keepDim) {
    return new Sum(axes, keepDim).apply(this);
  }

  /** Mean of all elements. */
  public Tensor mean() {
    return mean(allAxes(), false);
  }

  public Tensor mean(int axis) {
    return mean(new int[] {axis}, false);
  }

  public Tensor mean(int axis, boolean keepDim) {
    return mean(new int[] {axis}, keepDim);
  }

  public Tensor mean(int[] axes, boolean keepDim) {
    int n = count("mean", axes);
    return sum(axes, keepDim).div(n);
  }

  /** Largest element. */
  public Tensor max() {
    return max(allAxes(), false);
  }

  public Tensor max(int axis) {
    return max(new int[] {axis}, false);
  }

  public Tensor max(int axis, boolean keepDim) {
    return max(new int[] {axis}, keepDim);
  }

  public Tensor max(int[] axes, boolean keepDim) {
    return new Max(axes, keepDim).apply(this);
  }

  /** Smallest element: −max(−x). */
  public Tensor min() {
    return neg().max().neg();
  }

  public Tensor min(int axis) {
    return neg().max(axis).neg();
  }

  public Tensor min(int axis, boolean keepDim) {
    return neg().max(axis, keepDim).neg();
  }

  public Tensor min(int[] axes, boolean keepDim) {
    return neg().max(axes, keepDim).neg();
  }

  /** Variance of all elements with Bessel's correction (divides by n − 1), as PyTorch's default. */
  public Tensor var() {
    return var(allAxes(), false, true);
  }

  /**
   * Variance over {@code axes}: Σ(x − mean)² / (n − 1) when {@code unbiased}, else / n (the form
   * batch normalisation uses).
   */
  public Tensor var(int[] axes, boolean keepDim, boolean unbiased) {
    int n = count("var", axes);
    Tensor centered = sub(mean(axes, true));
    // With one element and Bessel's correction this is 0/0 = NaN, as in PyTorch: there is no spread
    // to estimate.
    return centered.square().sum(axes, keepDim).div(unbiased ? n - 1 : n);
  }

  public Tensor std() {
    return var().sqrt();
  }

  /**
   * Standard deviation along {@code axis} with Bessel's correction, as PyTorch's {@code std(dim)}.
   */
  public Tensor std(int axis) {
    return var(new int[] {axis}, false, true).sqrt();
  }

  /** Index of the largest element along {@code axis} (ties: the first), as this tensor's dtype. */
  public Tensor argmax(int axis) {
    return TensorMath.argReduce(ReduceOp.MAX, this, axis, false);
  }

  public Tensor argmax(int axis, boolean keepDim) {
    return TensorMath.argReduce(ReduceOp.MAX, this, axis, keepDim);
  }

  /** Index of the largest element of the flattened tensor. */
  public int argmax() {
    return (int) TensorMath.argReduce(ReduceOp.MAX, reshape(-1), 0, false).item();
  }

  public Tensor argmin(int axis) {
    return TensorMath.argReduce(ReduceOp.MIN, this, axis, false);
  }

  /** log Σ exp(x) along {@code axis}, computed stably by factoring out the max. */
  public Tensor logSumExp(int axis, boolean keepDim) {
    Tensor m = max(axis, true).detach();
    Tensor r = sub(m).exp().sum(axis, true).log().add(m);
    return keepDim ? r : r.squeeze(axis);
  }

  /** log softmax along {@code axis}; see {@link LogSoftmaxOp} for why it is a primitive. */
  public Tensor logSoftmax(int axis) {
    return new LogSoftmaxOp(shape.axis("logSoftmax", axis)).apply(this);
  }

  /** softmax along {@code axis}: exp(xᵢ) / Σⱼ exp(xⱼ), computed as exp(logSoftmax). */
  public Tensor softmax(int axis) {
    shape.axis("softmax", axis);
    return logSoftmax(axis).exp();
  }

  private int[] allAxes() {
    return IntStream.range(0, dim()).toArray();
  }

  private int count(String op, int[] axes) {
    int n = 1;
    // NOTE: a sub-product of a checked shape's sizes: cannot overflow.
    for (int a : TensorMath.axes(op, shape, axes)) n *= shape.get(a);
    return n;
  }

  // ================================================================ linear algebra

  /** Matrix product with {@code torch.matmul}'s rules (1-D vectors, broadcast batch axes). */
  public Tensor matmul(Tensor other) {
    return new MatMul().apply(this, other);
  }

  // ================================================================ shape and views

  /** Same elements in a new shape; one size may be −1 (inferred). A view when the layout allows. */
  public Tensor reshape(int... newShape) {
    Shape s = inferShape("reshape", newShape);
    if (s.equals(shape)) return this;
    return new Reshape(s).apply(this);
  }

  /** Like {@link #reshape} but never copies: fails on a non-contiguous tensor. */
  public Tensor view(int... newShape) {
    if (!isContiguous()) {
      throw Check.badArgument(
          "view",
          "tensor of shape %s with strides %s is not contiguous; call contiguous() or reshape()",
          shape,
          Arrays.toString(view.strides()));
    }
    return reshape(newShape);
  }

  private Shape inferShape(String op, int[] dims) {
    int unknown = -1;
    long known = 1; // long, capped: sizes the user typed may multiply past int
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1) {
        if (unknown >= 0)
          throw Check.badArgument(op, "only one size may be -1, got %s", Arrays.toString(dims));
        unknown = i;
      } else if (dims[i] < 0) {
        throw Check.badArgument(op, "invalid size %s in %s", dims[i], Arrays.toString(dims));
      } else {
        // Capped at 2^32 before multiplying (so the long cannot overflow): any count that large
        // cannot divide this tensor's int-sized count, and fails below as it should.
        known = Math.min(known, 1L << 32) * dims[i];
      }
    }
    int[] d = dims.clone();
    if (unknown >= 0) {
      if (known == 0 || numel() % known != 0) {
        throw Check.badArgument(
            op, "cannot view %s (%s elements) as %s", shape, numel(), Arrays.toString(dims));
      }
      d[unknown] = (int) (numel() / known);
    }
    Shape s = Shape.of(d);
    if (s.numel() != numel()) {
      throw Check.badArgument(
          op, "cannot view %s (%s elements) as %s (%s elements)", shape, numel(), s, s.numel());
    }
    return s;
  }

  /** All axes flattened into one. */
  public Tensor flatten() {
    return reshape(-1);
  }

  /**
   * Axes {@code start..end} (inclusive) flattened into one, e.g. images [N,C,H,W] to [N, C·H·W].
   */
  public Tensor flatten(int start, int end) {
    int s = shape.axis("flatten", start), e = shape.axis("flatten", end);
    if (s > e)
      throw Check.badArgument("flatten", "start axis %s comes after end axis %s", start, end);
    int[] d = shape.toArray();
    int[] r = new int[d.length - (e - s)];
    int n = 1;
    for (int i = s; i <= e; i++) n *= d[i];
    for (int i = 0, j = 0; i < d.length; i++) {
      if (i < s || i > e) r[j++] = d[i];
      else if (i == s) r[j++] = n;
    }
    return reshape(r);
  }

  /** Axes reordered: axis i of the result is axis {@code order[i]} of this tensor. */
  public Tensor permute(int... order) {
    return new Permute(order).apply(this);
  }

  /** Swaps two axes. */
  public Tensor transpose(int a, int b) {
    int[] order = allAxes();
    int i = shape.axis("transpose", a), j = shape.axis("transpose", b);
    order[i] = j;
    order[j] = i;
    return permute(order);
  }

  /** Transpose of a 2-D tensor. */
  public Tensor t() {
    if (dim() != 2)
      throw new IllegalArgumentException("t: expects a 2-D tensor, got shape " + shape);
    return transpose(0, 1);
  }

  /** Broadcasts to {@code newShape} without copying. */
  public Tensor expand(int... newShape) {
    Shape s = Shape.of(newShape);
    if (s.equals(shape)) return this;
    TensorMath.expand(this, s); // validate eagerly so the error names expand
    return new Expand(s).apply(this);
  }

  /** A copy of the elements in row-major order, or this tensor if already so. */
  public Tensor contiguous() {
    return isContiguous() ? this : new Contiguous().apply(this);
  }

  /** Elements {@code start .. end-1} along {@code axis}, as a view. */
  public Tensor slice(int axis, int start, int end) {
    return slice(axis, start, end, 1);
  }

  /** Every {@code step}-th element from {@code start} to before {@code end} along {@code axis}. */
  public Tensor slice(int axis, int start, int end, int step) {
    TensorMath.slice(this, axis, start, end, step);
    return new Slice(shape.axis("slice", axis), start, end, step).apply(this);
  }

  /** {@code length} elements from {@code start} along {@code axis}. */
  public Tensor narrow(int axis, int start, int length) {
    int k = shape.axis("narrow", axis);
    if (length < 0 || start < 0 || start + length > shape.get(k)) {
      throw Check.badArgument(
          "narrow",
          "[%s, %s) out of bounds for axis %s of shape %s",
          start,
          start + length,
          axis,
          shape);
    }
    return slice(k, start, start + length, 1);
  }

  /** The sub-tensor at {@code index} along {@code axis}, with that axis removed. */
  public Tensor select(int axis, int index) {
    int k = shape.axis("select", axis);
    int i = index < 0 ? index + shape.get(k) : index;
    if (i < 0 || i >= shape.get(k)) {
      throw Check.badArgument(
          "select", "index %s out of range for axis %s of shape %s", index, axis, shape);
    }
    return narrow(k, i, 1).squeeze(k);
  }

  /** Removes every axis of size 1. */
  public Tensor squeeze() {
    return reshape(Arrays.stream(shape.toArray()).filter(d -> d != 1).toArray());
  }

  /** Removes axis {@code axis}, which must have size 1. */
  public Tensor squeeze(int axis) {
    if (dim() == 0 && (axis == 0 || axis == -1)) return this;
    int k = shape.axis("squeeze", axis);
    if (shape.get(k) != 1)
      throw Check.badArgument(
          "squeeze", "axis %s of shape %s has size %s, not 1", axis, shape, shape.get(k));
    int[] d = shape.toArray();
    int[] r = new int[d.length - 1];
    for (int i = 0, j = 0; i < d.length; i++) if (i != k) r[j++] = d[i];
    return reshape(r);
  }

  /** Inserts an axis of size 1 at position {@code axis} (−1 appends). */
  public Tensor unsqueeze(int axis) {
    int r = dim() + 1;
    int k = axis < 0 ? axis + r : axis;
    if (k < 0 || k >= r)
      throw Check.badArgument("unsqueeze", "axis %s out of range for shape %s", axis, shape);
    int[] d = new int[r];
    for (int i = 0, j = 0; i < r; i++) d[i] = i == k ? 1 : shape.get(j++);
    return reshape(d);
  }

  /** Joins tensors along an existing axis. */
  public static Tensor cat(int axis, Tensor... parts) {
    if (parts.length == 0) throw new IllegalArgumentException("cat: needs at least one tensor");
    return new Cat(parts[0].shape.axis("cat", axis)).apply(parts);
  }

  /** Stacks equally shaped tensors along a new axis. */
  public static Tensor stack(int axis, Tensor... parts) {
    if (parts.length == 0) throw new IllegalArgumentException("stack: needs at least one tensor");
    Tensor[] lifted = new Tensor[parts.length];
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].shape.equals(parts[0].shape)) {
        throw Check.badArgument("stack", "shapes %s and %s differ", parts[0].shape, parts[i].shape);
      }
      lifted[i] = parts[i].unsqueeze(axis);
    }
    return cat(axis, lifted);
  }

  /**
   * Values picked along {@code axis} at the positions in {@code index} (an integer-valued tensor).
   */
  public Tensor gather(int axis, Tensor index) {
    return new Gather(shape.axis("gather", axis)).apply(this, index);
  }

  /** The slices at {@code index} along {@code axis}, in that order (e.g. a mini-batch of rows). */
  public Tensor indexSelect(int axis, int... index) {
    return new IndexSelect(shape.axis("indexSelect", axis), index).apply(this);
  }

  /**
   * The gradient of a broadcast: sums over the axes that broadcasting from {@code target} added or
   * stretched, giving a tensor of shape {@code target}.
   */
  public Tensor sumToShape(Shape target) {
    if (shape.equals(target)) return this;
    Shape.broadcast("sumToShape", target, shape); // validates compatibility
    int lead = dim() - target.rank();
    if (lead < 0)
      throw Check.badArgument("sumToShape", "cannot sum %s to the larger shape %s", shape, target);
    int[] axes =
        IntStream.range(0, dim())
            .filter(i -> i < lead || (target.get(i - lead) == 1 && shape.get(i) != 1))
            .toArray();
    Tensor s = axes.length == 0 ? this : sum(axes, true);
    return s.reshape(target.toArray());
  }

  /** The same values as {@code dtype}; gradients convert back. */
  public Tensor to(DType dtype) {
    return dtype == dtype() ? this : new Cast(dtype).apply(this);
  }

  /** The backend (device) whose memory holds this tensor. */
  public Backend device() {
    return buffer().backend();
  }

  /**
   * The same values on {@code device} (this tensor if already there); gradients flow back to this
   * tensor's device. Use it for data: {@code x = x.to(Backends.opencl())}.
   */
  public Tensor to(Backend device) {
    return device == device() ? this : new ToDevice(device).apply(this);
  }

  /**
   * Moves this leaf tensor's storage (and gradient) to {@code device}, keeping its identity, so an
   * optimizer that holds it keeps working. {@link dl.nn.Module#to(Backend)} calls it for every
   * parameter and buffer.
   */
  public Tensor toInPlace(Backend device) {
    if (!isLeaf()) {
      throw Check.badArgument(
          "toInPlace",
          "tensor computed by %s is part of a graph; move its inputs, or use to(device)",
          gradFn.name());
    }
    if (device == device()) return this;
    int version = version();
    view = TensorMath.transfer(this, device).layout();
    view.buffer().carryVersion(version);
    if (grad != null) grad = TensorMath.transfer(grad, device);
    return this;
  }

  /**
   * Converts this leaf tensor's storage (and gradient) to {@code dtype}, keeping its identity, as
   * PyTorch's {@code Module._apply} does with {@code param.data}. {@link dl.nn.Module#to(DType)}
   * calls it for every parameter and buffer.
   */
  public Tensor toInPlace(DType dtype) {
    if (!isLeaf()) {
      throw Check.badArgument(
          "toInPlace",
          "tensor computed by %s is part of a graph; convert its inputs, or use to(dtype)",
          gradFn.name());
    }
    if (dtype == dtype()) return this;
    int version = version();
    view = TensorMath.cast(this, dtype).layout();
    // NOTE: one more than before: the values were rounded, so a graph that saved this tensor
    // earlier must not use it in backward.
    view.buffer().carryVersion(version + 1);
    if (grad != null) grad = TensorMath.cast(grad, dtype);
    return this;
  }

  /** Shorthand for {@code to(DType.FLOAT64)}. */
  public Tensor float64() {
    return to(DType.FLOAT64);
  }

  /** Shorthand for {@code to(DType.FLOAT32)}. */
  public Tensor float32() {
    return to(DType.FLOAT32);
  }

  /**
   * How many times this tensor's memory was changed in place ({@code addInPlace}, {@code copyFrom},
   * an optimizer step…). Shared by every view of the same memory. Autograd compares it with the
   * value it recorded when an op saved this tensor, so a tensor changed between forward and
   * backward fails loudly instead of giving wrong gradients (PyTorch's {@code _version}).
   */
  public int version() {
    return view.buffer().version();
  }

  /** A deep copy with no graph. */
  public Tensor copy() {
    return TensorMath.copy(this);
  }

  // ================================================================ in place (for optimizers)
  //
  // The in-place rule (PyTorch's): every method here bumps version(). An op that saved this
  // tensor (or a view of its memory) for backward recorded the version then; if it differs when
  // backward reaches that op, backward throws instead of computing gradients from the new values.

  private void checkInPlace(String op) {
    if (requiresGrad && NoGrad.isGradEnabled()) {
      throw new IllegalStateException(
          Check.message(
              op,
              "tensor of shape %s requires grad; modify it in place only inside NoGrad.enter() (as optimizers do)",
              shape));
    }
    int[] st = view.strides();
    for (int d = 0; d < st.length; d++) {
      if (st[d] == 0 && shape.get(d) > 1) {
        throw Check.badArgument(
            op,
            "tensor of shape %s is a broadcast view (axis %s repeats one element), so writing to it would overlap; call contiguous() first",
            shape,
            d);
      }
    }
  }

  /** this += other (broadcast to this shape). */
  public Tensor addInPlace(Tensor other) {
    checkInPlace("addInPlace");
    TensorMath.binaryInPlace("addInPlace", BinaryOp.ADD, this, other);
    buffer().bumpVersion();
    return this;
  }

  /** this += alpha · other: the SGD update w ← w − η·g is {@code w.addInPlace(g, -eta)}. */
  public Tensor addInPlace(Tensor other, double alpha) {
    return addInPlace(TensorMath.binary(BinaryOp.MUL, other, TensorMath.scalarLike(other, alpha)));
  }

  /** this −= other. */
  public Tensor subInPlace(Tensor other) {
    checkInPlace("subInPlace");
    TensorMath.binaryInPlace("subInPlace", BinaryOp.SUB, this, other);
    buffer().bumpVersion();
    return this;
  }

  /** this *= other. */
  public Tensor mulInPlace(Tensor other) {
    checkInPlace("mulInPlace");
    TensorMath.binaryInPlace("mulInPlace", BinaryOp.MUL, this, other);
    buffer().bumpVersion();
    return this;
  }

  /** this *= value. */
  public Tensor mulInPlace(double value) {
    return mulInPlace(scalarLike(value));
  }

  /** Copies {@code source}'s values (broadcast to this shape) into this tensor. */
  public Tensor copyFrom(Tensor source) {
    checkInPlace("copyFrom");
    Shape s = Shape.broadcast("copyFrom", shape, source.shape);
    if (!s.equals(shape))
      throw Check.badArgument("copyFrom", "source shape %s does not fit %s", source.shape, shape);
    TensorMath.backendOf("copyFrom", this, source)
        .copy(TensorMath.expand(source, shape).layout(), view);
    buffer().bumpVersion();
    return this;
  }

  /** Sets every element to {@code value}. */
  public Tensor fillInPlace(double value) {
    checkInPlace("fillInPlace");
    buffer().backend().fill(view, value);
    buffer().bumpVersion();
    return this;
  }

  /** Sets every element to zero. */
  public Tensor zeroInPlace() {
    return fillInPlace(0);
  }

  // ================================================================ printing

  /**
   * PyTorch-style text, e.g. {@code tensor([[1., 2.], [3., 4.]], grad_fn=Mul)}; large tensors are
   * summarised.
   */
  @Override
  public String toString() {
    return TensorPrinter.format(this);
  }
}
