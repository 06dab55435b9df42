package dl.data;

import dl.Check;
import dl.tensor.Rng;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Examples held in memory: input {@code x} and target {@code y} of example i are row i of two
 * tensors, as in PyTorch's {@code TensorDataset}. Immutable: {@link #subset}, {@link #split} and
 * {@link #withClassNames} return new datasets.
 *
 * <p>Shape: x [N, ...input shape], y [N] (class indices as float32) or [N, ...target shape].
 *
 * <pre>{@code
 * jshell> var ds = TensorDataset.of(Tensor.of(new double[][] {{0, 0}, {1, 1}, {2, 2}}), Tensor.of(0, 1, 1));
 * ds ==> TensorDataset(3 examples, x [2], y [], 2 classes)
 * jshell> ds.batch(new int[] {2, 0}).x()
 * $2 ==> tensor([[2., 2.], [0., 0.]])
 * }</pre>
 */
public final class TensorDataset implements Dataset {
  private final int size;
  private final float[] x, y;
  private final int[] xShape, yShape;
  private final int xStride, yStride;
  private final List<String> classNames;
  private volatile Tensor xTensor, yTensor;

  /**
   * Wraps arrays without copying: callers hand over ownership (readers build datasets this way).
   */
  TensorDataset(float[] x, int[] xShape, float[] y, int[] yShape, List<String> classNames) {
    this.xShape = xShape.clone();
    this.yShape = yShape.clone();
    this.xStride = numel(xShape);
    this.yStride = numel(yShape);
    this.size = xStride == 0 ? 0 : x.length / xStride;
    if ((long) size * xStride != x.length || (long) size * yStride != y.length) {
      throw Check.badArgument(
          "TensorDataset",
          "%s input values do not make whole examples of shape %s matching %s target values of shape %s",
          x.length,
          Shape.of(xShape),
          y.length,
          Shape.of(yShape));
    }
    this.x = x;
    this.y = y;
    this.classNames = List.copyOf(classNames);
  }

  /**
   * A dataset whose example i is {@code (x[i], y[i])}; both tensors must have the same first size.
   */
  public static TensorDataset of(Tensor x, Tensor y) {
    return of(x, y, List.of());
  }

  /** Like {@link #of(Tensor, Tensor)}, with names for the classes that {@code y} indexes. */
  public static TensorDataset of(Tensor x, Tensor y, List<String> classNames) {
    if (x.dim() == 0 || y.dim() == 0 || x.size(0) != y.size(0)) {
      throw Check.badArgument(
          "TensorDataset.of",
          "x %s and y %s must have the same first size (one row per example)",
          x.shape(),
          y.shape());
    }
    int[] xs = x.shape().toArray(), ys = y.shape().toArray();
    return new TensorDataset(
        x.toFloatArray(),
        Arrays.copyOfRange(xs, 1, xs.length),
        y.toFloatArray(),
        Arrays.copyOfRange(ys, 1, ys.length),
        classNames);
  }

  private static int numel(int[] shape) {
    int n = 1;
    for (int d : shape) {
      if (d < 0)
        throw Check.badArgument(
            "TensorDataset", "negative size in shape %s", Arrays.toString(shape));
      n *= d;
    }
    return n;
  }

  /** The same examples with names for the classes (index i names class i). */
  public TensorDataset withClassNames(List<String> names) {
    return new TensorDataset(x, xShape, y, yShape, names);
  }

  /** The same examples with names for the classes (index i names class i). */
  public TensorDataset withClassNames(String... names) {
    return withClassNames(List.of(names));
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }

  /**
   * Number of classes: the class names, else 1 + the largest class index (0 for non-class targets).
   */
  public int numClasses() {
    if (!classNames.isEmpty()) return classNames.size();
    if (yStride != 1) return 0;
    int max = -1;
    for (float v : y) max = Math.max(max, (int) v);
    return max + 1;
  }

  /** Shape of one input, e.g. [1, 28, 28] for MNIST. */
  public int[] inputShape() {
    return xShape.clone();
  }

  /** Shape of one target: [] for a class index. */
  public int[] targetShape() {
    return yShape.clone();
  }

  /** All inputs as one tensor. Shape: [N, ...input shape]. Made once, then shared. */
  public Tensor x() {
    Tensor t = xTensor;
    if (t == null) xTensor = t = Tensor.fromArray(x, prepend(size, xShape));
    return t;
  }

  /** All targets as one tensor. Shape: [N, ...target shape]. Made once, then shared. */
  public Tensor y() {
    Tensor t = yTensor;
    if (t == null) yTensor = t = Tensor.fromArray(y, prepend(size, yShape));
    return t;
  }

  /** Same as {@link #x()}, for image data sets: [N, C, H, W] in [0, 1]. */
  public Tensor images() {
    return x();
  }

  /** Same as {@link #y()}, for classification: class indices [N] as float32. */
  public Tensor labels() {
    return y();
  }

  /** The targets as ints, for class-index targets (counting, confusion matrices, kNN). */
  public int[] labelArray() {
    if (yStride != 1)
      throw new IllegalStateException(
          Check.message(
              "labelArray", "targets have shape %s, not class indices", Shape.of(yShape)));
    int[] r = new int[size];
    for (int i = 0; i < size; i++) r[i] = (int) y[i];
    return r;
  }

  /** How many examples each class has (index = class). */
  public int[] classCounts() {
    int[] counts = new int[Math.max(numClasses(), 0)];
    for (int label : labelArray()) if (label >= 0 && label < counts.length) counts[label]++;
    return counts;
  }

  /**
   * Example i without a batch axis: x of the input shape, y of the target shape ([] for a class).
   */
  public Batch get(int i) {
    checkIndex(i);
    return new Batch(
        Tensor.fromArray(Arrays.copyOfRange(x, i * xStride, (i + 1) * xStride), xShape),
        Tensor.fromArray(Arrays.copyOfRange(y, i * yStride, (i + 1) * yStride), yShape));
  }

  @Override
  public Batch batch(int[] indices) {
    int n = indices.length;
    float[] bx = new float[n * xStride], by = new float[n * yStride];
    for (int k = 0; k < n; k++) {
      int i = indices[k];
      checkIndex(i);
      System.arraycopy(x, i * xStride, bx, k * xStride, xStride);
      System.arraycopy(y, i * yStride, by, k * yStride, yStride);
    }
    return new Batch(
        Tensor.fromArray(bx, prepend(n, xShape)), Tensor.fromArray(by, prepend(n, yShape)));
  }

  /** The examples at {@code indices}, in that order, as a new dataset (copied). */
  public TensorDataset subset(int[] indices) {
    float[] sx = new float[indices.length * xStride], sy = new float[indices.length * yStride];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      checkIndex(i);
      System.arraycopy(x, i * xStride, sx, k * xStride, xStride);
      System.arraycopy(y, i * yStride, sy, k * yStride, yStride);
    }
    return new TensorDataset(sx, xShape, sy, yShape, classNames);
  }

  /** The first {@code n} examples, e.g. for a fast run of a notebook. */
  public TensorDataset subset(int n) {
    if (n < 0 || n > size)
      throw Check.badArgument("subset", "n = %s but the dataset has %s examples", n, size);
    return n == size ? this : slice(0, n);
  }

  /** Examples {@code from .. to-1}. */
  public TensorDataset slice(int from, int to) {
    if (from < 0 || to > size || from > to)
      throw Check.badArgument("slice", "[%s, %s) out of range for %s examples", from, to, size);
    return new TensorDataset(
        Arrays.copyOfRange(x, from * xStride, to * xStride),
        xShape,
        Arrays.copyOfRange(y, from * yStride, to * yStride),
        yShape,
        classNames);
  }

  /** {@code n} examples drawn without replacement by a seeded permutation. */
  public TensorDataset sample(int n, long seed) {
    if (n < 0 || n > size)
      throw Check.badArgument("sample", "n = %s but the dataset has %s examples", n, size);
    return subset(Arrays.copyOf(new Rng(seed).permutation(size), n));
  }

  /**
   * Splits these examples into train and validation parts by a seeded permutation: every example
   * lands in exactly one part. Split the training set only, so the test set stays unseen.
   *
   * <pre>{@code
   * jshell> var s = mnist.train().split(0.1, 42);
   * jshell> s.train().size() + " / " + s.val().size()
   * $2 ==> "54000 / 6000"
   * }</pre>
   *
   * @param valFraction the share of examples for validation, in [0, 1]
   */
  public Split split(double valFraction, long seed) {
    if (!(valFraction >= 0 && valFraction <= 1))
      throw Check.badArgument("split", "valFraction must be in [0, 1], got %s", valFraction);
    return split((int) Math.round(valFraction * size), seed);
  }

  /** Like {@link #split(double, long)} with an exact number of validation examples. */
  public Split split(int valSize, long seed) {
    if (valSize < 0 || valSize > size)
      throw Check.badArgument(
          "split", "valSize = %s but the dataset has %s examples", valSize, size);
    int[] perm = new Rng(seed).permutation(size);
    // Both parts keep the permuted order, like PyTorch's random_split: subset(n) of either is a
    // random sample.
    return new Split(
        subset(Arrays.copyOfRange(perm, valSize, size)),
        subset(Arrays.copyOfRange(perm, 0, valSize)));
  }

  /** A train/validation pair made by {@link #split}. */
  public record Split(TensorDataset train, TensorDataset val) {}

  private void checkIndex(int i) {
    if (i < 0 || i >= size)
      throw new IndexOutOfBoundsException(
          "index " + i + " out of range for a dataset of " + size + " examples");
  }

  private static int[] prepend(int n, int[] shape) {
    int[] r = new int[shape.length + 1];
    r[0] = n;
    System.arraycopy(shape, 0, r, 1, shape.length);
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorDataset t
        && Arrays.equals(xShape, t.xShape)
        && Arrays.equals(yShape, t.yShape)
        && Arrays.equals(x, t.x)
        && Arrays.equals(y, t.y)
        && classNames.equals(t.classNames);
  }

  @Override
  public int hashCode() {
    return Objects.hash(size, Arrays.hashCode(xShape), classNames);
  }

  @Override
  public String toString() {
    int classes = numClasses();
    return "TensorDataset("
        + size
        + " examples, x "
        + Shape.of(xShape)
        + ", y "
        + Shape.of(yShape)
        + (classes > 0 && yStride == 1 ? ", " + classes + " classes" : "")
        + ")";
  }
}
