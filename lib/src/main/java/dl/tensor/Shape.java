package dl.tensor;

import dl.Check;
import dl.backend.View;
import java.util.Arrays;

/**
 * The sizes of a tensor's axes, e.g. {@code [64, 784]} for a batch of 64 flattened MNIST images.
 *
 * <pre>{@code
 * jshell> Shape.of(2, 3).numel()
 * $1 ==> 6
 * jshell> Shape.broadcast("add", Shape.of(2, 1), Shape.of(3))
 * $2 ==> [2, 3]
 * }</pre>
 */
public final class Shape {
  private final int[] dims;
  private final int numel; // counted once, with overflow checks, when the shape is made

  private Shape(String op, int[] dims) {
    this.dims = dims;
    this.numel = View.checkedNumel(op, dims);
  }

  /** A shape with the given sizes; every size must be &gt;= 0. */
  public static Shape of(int... dims) {
    for (int d : dims) {
      if (d < 0)
        throw Check.badArgument(
            "Shape.of", "sizes must be non-negative, got %s", Arrays.toString(dims));
    }
    return new Shape("shape", dims.clone());
  }

  /** Number of axes (0 for a scalar). */
  public int rank() {
    return dims.length;
  }

  /** Size of axis {@code axis}; negative axes count from the end. */
  public int get(int axis) {
    return dims[axis("shape", axis)];
  }

  /** Number of elements: the product of the sizes. */
  public int numel() {
    return numel;
  }

  /** A copy of the sizes. */
  public int[] toArray() {
    return dims.clone();
  }

  /** Resolves a possibly negative axis, naming {@code op} if it is out of range. */
  public int axis(String op, int axis) {
    int r = dims.length;
    if (r == 0)
      throw Check.badArgument(
          op, "axis %s out of range for shape [] (a 0-D tensor has no axes)", axis);
    if (axis < -r || axis >= r) {
      throw Check.badArgument(op, "axis %s out of range for shape %s (rank %s)", axis, this, r);
    }
    return axis < 0 ? axis + r : axis;
  }

  /**
   * The shape two operands broadcast to under NumPy's rules: align trailing axes; sizes must be
   * equal or one of them 1.
   */
  public static Shape broadcast(String op, Shape a, Shape b) {
    int r = Math.max(a.rank(), b.rank());
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
      int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
      if (da != db && da != 1 && db != 1) {
        throw Check.badArgument(
            op,
            "shapes %s and %s cannot broadcast (axis %s of the aligned shapes: %s vs %s)",
            a,
            b,
            i,
            da,
            db);
      }
      out[i] = da == 1 ? db : da;
    }
    return new Shape(op, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ",").append(dims[i]);
    return sb.append(']').toString();
  }
}
