package dl.backend;

import dl.Check;
import dl.DType;
import java.util.Arrays;

/**
 * How a tensor sees its buffer: element {@code (i0, i1, …)} lives at {@code offset + Σ
 * ik·strides[k]}. A stride of 0 repeats an element along that axis, which is how broadcasting is
 * expressed without copying.
 */
public record View(Buffer buffer, int[] shape, int[] strides, int offset) {

  /** A contiguous row-major view of a whole buffer. */
  public static View contiguous(Buffer buffer, int[] shape) {
    return new View(buffer, shape, rowMajorStrides(shape), 0);
  }

  /** Row-major strides: the last axis moves fastest. */
  public static int[] rowMajorStrides(int[] shape) {
    checkedNumel("strides", shape);
    int[] strides = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    return strides;
  }

  /**
   * The product of the sizes, counted in {@code long} with overflow checks, so a shape whose count
   * does not fit a Java array ({@code [65536, 65536, 65536, 65536]}, 2⁶⁴ elements) fails here
   * instead of wrapping round to a small or zero count.
   *
   * @param op the operation named in the error
   */
  public static int checkedNumel(String op, int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0)
        throw Check.badArgument(op, "shape %s has a negative size %s", Arrays.toString(shape), d);
      if (d == 0) return 0; // an empty tensor, whatever the other sizes
    }
    try {
      for (int d : shape) {
        n = Math.multiplyExact(n, (long) d);
        if (n > Integer.MAX_VALUE) break;
      }
    } catch (ArithmeticException overflow) {
      n = Long.MAX_VALUE;
    }
    if (n > Integer.MAX_VALUE) {
      java.math.BigInteger exact = java.math.BigInteger.ONE;
      for (int d : shape) exact = exact.multiply(java.math.BigInteger.valueOf(d));
      throw Check.badArgument(
          op,
          "shape %s has %s elements; a tensor holds at most %s (2^31 - 1)",
          Arrays.toString(shape),
          exact,
          Integer.MAX_VALUE);
    }
    return (int) n;
  }

  public int numel() {
    int n = 1;
    for (int d : shape) n *= d; // NOTE: cannot overflow: the shape was checked when it was made
    return n;
  }

  public int rank() {
    return shape.length;
  }

  public DType dtype() {
    return buffer.dtype();
  }

  /** True when every element is the same buffer element: a scalar broadcast (all strides 0). */
  public boolean isBroadcastScalar() {
    for (int s : strides) if (s != 0) return false;
    return true;
  }

  /** True when the elements are laid out row-major with no gaps, so kernels may use a flat loop. */
  public boolean isContiguous() {
    int expected = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] != 1 && strides[i] != expected) return false;
      expected *= shape[i];
    }
    return true;
  }

  @Override
  public String toString() {
    return "View"
        + Arrays.toString(shape)
        + " strides="
        + Arrays.toString(strides)
        + " offset="
        + offset;
  }
}
