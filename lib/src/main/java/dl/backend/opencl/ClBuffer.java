package dl.backend.opencl;

import dl.DType;
import dl.backend.Backend;
import dl.backend.Buffer;
import org.jocl.cl_mem;

/**
 * A buffer in device memory. The memory is released when the buffer becomes unreachable (see {@link
 * ClAllocator}), so tensors on the device are garbage-collected like any other.
 */
final class ClBuffer extends Buffer {
  final cl_mem mem;
  private final OpenClBackend backend;

  ClBuffer(OpenClBackend backend, DType dtype, int size, cl_mem mem) {
    super(dtype, size);
    this.backend = backend;
    this.mem = mem;
  }

  @Override
  public Backend backend() {
    return backend;
  }
}
