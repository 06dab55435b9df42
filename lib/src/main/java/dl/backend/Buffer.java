package dl.backend;

import dl.DType;

/**
 * A flat block of elements owned by one backend. Tensors are views onto a buffer (shape, strides,
 * offset), so many tensors can share one buffer.
 */
public abstract class Buffer {
  private final DType dtype;
  private final int size;
  // NOTE: PyTorch's version counter. Every in-place write through a tensor bumps it; autograd
  // records it when an op saves a tensor for backward and compares it in backward. It lives on the
  // buffer, not the tensor, so every view of the same memory (reshape, transpose, detach) shares
  // it: changing a view in place is changing the tensor it views.
  private int version;

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

  /** How many in-place writes this buffer has seen (see {@link #bumpVersion()}). */
  public final int version() {
    return version;
  }

  /** Records one in-place write; called by every {@code …InPlace} method of {@code Tensor}. */
  public final void bumpVersion() {
    version++;
  }

  /**
   * Makes this buffer's version at least {@code v}: a tensor moved to another device keeps its
   * version, so what autograd saved before the move still matches.
   */
  public final void carryVersion(int v) {
    version = Math.max(version, v);
  }

  /** The backend that allocated this buffer and runs kernels on it. */
  public abstract Backend backend();
}
