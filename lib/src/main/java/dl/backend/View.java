package dl.backend;

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
    int[] strides = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    return strides;
  }

  public int numel() {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  public int rank() {
    return shape.length;
  }

  public DType dtype() {
    return buffer.dtype();
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
