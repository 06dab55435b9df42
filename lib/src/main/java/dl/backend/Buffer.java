package dl.backend;

/**
 * A flat block of elements owned by one backend. Tensors are views onto a buffer (shape, strides,
 * offset), so many tensors can share one buffer.
 */
public abstract class Buffer {
  private final DType dtype;
  private final int size;

  protected Buffer(DType dtype, int size) {
    this.dtype = dtype;
    this.size = size;
  }

  public DType dtype() {
    return dtype;
  }

  /** Number of elements. */
  public int size() {
    return size;
  }

  /** The backend that allocated this buffer and runs kernels on it. */
  public abstract Backend backend();
}
