package dl.backend.opencl;

import static org.jocl.CL.*;

import dl.Check;
import dl.DType;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/**
 * Device memory: creates {@code cl_mem} objects, moves data in and out of them, and releases them
 * when their {@link ClBuffer} is garbage-collected.
 *
 * <p>NOTE: the JVM collects garbage when its own heap fills, and a {@link ClBuffer} is a few dozen
 * heap bytes standing for megabytes on the device, so the heap alone would let dead device buffers
 * pile up. The allocator therefore keeps a budget of live device bytes and asks for a collection
 * when it is exceeded (or when the device reports it is out of memory), then waits for the cleaner
 * to release what was found.
 */
final class ClAllocator {
  private static final Cleaner CLEANER = Cleaner.create();

  private final cl_context context;
  private final cl_command_queue queue;
  private final long budget;
  private final AtomicLong live = new AtomicLong();

  ClAllocator(cl_context context, cl_command_queue queue, long budget) {
    this.context = context;
    this.queue = queue;
    this.budget = budget;
  }

  long liveBytes() {
    return live.get();
  }

  long budget() {
    return budget;
  }

  /** A zero-filled buffer. */
  ClBuffer zeros(OpenClBackend owner, DType dtype, int size) {
    long bytes = bytes(dtype, size);
    cl_mem mem = create(CL_MEM_READ_WRITE, bytes, null);
    clEnqueueFillBuffer(queue, mem, Pointer.to(new int[] {0}), 4, 0, bytes, 0, null, null);
    return track(owner, dtype, size, mem, bytes);
  }

  /** A buffer holding a copy of {@code data} (a float[] or double[]). */
  ClBuffer copyOf(OpenClBackend owner, DType dtype, int size, Pointer data) {
    long bytes = bytes(dtype, size);
    cl_mem mem =
        size == 0
            ? create(CL_MEM_READ_WRITE, bytes, null)
            : create(CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes, data);
    return track(owner, dtype, size, mem, bytes);
  }

  // ---------------------------------------------------------------- transfers

  /** {@code n} elements of a float32 buffer from element {@code offset} on (waits for them). */
  float[] readFloats(ClBuffer b, int offset, int n) {
    float[] r = new float[n];
    read(b, offset, n, Pointer.to(r));
    return r;
  }

  /** {@code n} elements of a float64 buffer from element {@code offset} on (waits for them). */
  double[] readDoubles(ClBuffer b, int offset, int n) {
    double[] r = new double[n];
    read(b, offset, n, Pointer.to(r));
    return r;
  }

  private void read(ClBuffer b, int offset, int n, Pointer into) {
    if (n == 0) return;
    long bytes = b.dtype().bytes();
    clEnqueueReadBuffer(queue, b.mem, true, offset * bytes, n * bytes, into, 0, null, null);
  }

  /** Overwrites the whole float32 buffer {@code b} with {@code data}. */
  void write(ClBuffer b, float[] data) {
    write(b, Pointer.to(data));
  }

  /** Overwrites the whole float64 buffer {@code b} with {@code data}. */
  void write(ClBuffer b, double[] data) {
    write(b, Pointer.to(data));
  }

  private void write(ClBuffer b, Pointer data) {
    clEnqueueWriteBuffer(
        queue, b.mem, true, 0, (long) b.size() * b.dtype().bytes(), data, 0, null, null);
  }

  /** Copies {@code n} elements of one type between buffers, by element offsets. */
  void copy(ClBuffer src, int srcOffset, ClBuffer dst, int dstOffset, int n) {
    long bytes = src.dtype().bytes();
    clEnqueueCopyBuffer(
        queue, src.mem, dst.mem, srcOffset * bytes, dstOffset * bytes, n * bytes, 0, null, null);
  }

  // NOTE: OpenCL forbids zero-sized buffers, so an empty tensor still gets one element.
  private static long bytes(DType dtype, int size) {
    return (long) Math.max(size, 1) * dtype.bytes();
  }

  private cl_mem create(long flags, long bytes, Pointer data) {
    if (live.get() + bytes > budget) collect(bytes);
    try {
      return clCreateBuffer(context, flags, bytes, data, null);
    } catch (CLException e) {
      if (e.getStatus() != CL_MEM_OBJECT_ALLOCATION_FAILURE
          && e.getStatus() != CL_OUT_OF_RESOURCES
          && e.getStatus() != CL_OUT_OF_HOST_MEMORY) throw e;
      collect(Long.MAX_VALUE);
      try {
        return clCreateBuffer(context, flags, bytes, data, null);
      } catch (CLException again) {
        throw new IllegalStateException(
            Check.message(
                "opencl",
                "out of device memory allocating %s bytes with %s bytes in live tensors; use a smaller batch, or DL_BACKEND=cpu",
                bytes,
                live.get()),
            again);
      }
    }
  }

  /** Runs the garbage collector and waits (briefly) until enough dead buffers are released. */
  private void collect(long wanted) {
    long before = live.get();
    System.gc();
    for (int i = 0; i < 50 && live.get() + Math.min(wanted, budget) > budget; i++) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (i > 5 && live.get() == before) return; // nothing more is coming
    }
  }

  private ClBuffer track(OpenClBackend owner, DType dtype, int size, cl_mem mem, long bytes) {
    ClBuffer b = new ClBuffer(owner, dtype, size, mem);
    live.addAndGet(bytes);
    CLEANER.register(b, new Release(mem, bytes, live));
    return b;
  }

  /** The cleaning action; must not refer to the buffer itself, or it would never be collected. */
  private record Release(cl_mem mem, long bytes, AtomicLong live) implements Runnable {
    @Override
    public void run() {
      clReleaseMemObject(mem);
      live.addAndGet(-bytes);
    }
  }
}
