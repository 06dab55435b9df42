package dl.backend.opencl;

import static org.jocl.CL.*;

import dl.backend.View;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;

/**
 * Sets a kernel's arguments from plain Java values and enqueues it. Global sizes are rounded up to
 * a whole number of work-groups; every kernel checks its index against the real size.
 */
final class Launcher {
  /** Work-items per group for the one-dimensional kernels. */
  static final int GROUP = 64;

  /** Largest rank a kernel's {@code view_t} holds (MAXR in common.cl). */
  static final int MAX_RANK = 8;

  /** An argument of {@code bytes} of local memory. */
  record Local(long bytes) {}

  /** A struct passed by value (view_t, geom_t): its fields as ints. */
  record Struct(int[] fields) {}

  private final cl_command_queue queue;

  Launcher(cl_command_queue queue) {
    this.queue = queue;
  }

  /** Runs {@code kernel} over {@code n} work-items (none when n is 0). */
  void run1d(cl_kernel kernel, long n, Object... args) {
    if (n == 0) return;
    set(kernel, args);
    long global = (n + GROUP - 1) / GROUP * GROUP;
    clEnqueueNDRangeKernel(
        queue, kernel, 1, null, new long[] {global}, new long[] {GROUP}, 0, null, null);
  }

  /** Runs {@code kernel} with explicit global and local sizes (one entry per dimension). */
  void run(cl_kernel kernel, long[] global, long[] local, Object... args) {
    set(kernel, args);
    clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
  }

  private static void set(cl_kernel kernel, Object... args) {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof ClBuffer b) clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(b.mem));
      else if (a instanceof Integer v)
        clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
      else if (a instanceof Float v)
        clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
      else if (a instanceof Double v)
        clSetKernelArg(kernel, i, Sizeof.cl_double, Pointer.to(new double[] {v}));
      else if (a instanceof Struct s)
        clSetKernelArg(kernel, i, (long) s.fields().length * Sizeof.cl_int, Pointer.to(s.fields()));
      else if (a instanceof Local l) clSetKernelArg(kernel, i, l.bytes(), null);
      else if (a instanceof org.jocl.cl_mem m)
        clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(m));
      else throw new IllegalArgumentException("opencl: cannot pass " + a + " to a kernel");
    }
  }

  // ---------------------------------------------------------------- view_t

  /**
   * The {@code view_t} of a view: rank −1 when it is contiguous (the kernel then uses offset + i),
   * −2 when every element is the same one (a broadcast scalar), else its shape and strides.
   */
  static Struct compact(View v) {
    if (v.isContiguous()) return struct(-1, v.offset(), new int[0], new int[0]);
    if (v.isBroadcastScalar()) return struct(-2, v.offset(), new int[0], new int[0]);
    return full(v);
  }

  /** The {@code view_t} with the full shape and strides (for kernels that read them). */
  static Struct full(View v) {
    return struct(v.rank(), v.offset(), v.shape(), v.strides());
  }

  /** The batch axes (all but the last two) of a matrix view, for the batched product. */
  static Struct batch(View v) {
    int r = v.rank() - 2;
    return struct(
        r,
        v.offset(),
        java.util.Arrays.copyOf(v.shape(), r),
        java.util.Arrays.copyOf(v.strides(), r));
  }

  private static Struct struct(int rank, int offset, int[] shape, int[] strides) {
    int[] f = new int[2 + 2 * MAX_RANK];
    f[0] = rank;
    f[1] = offset;
    System.arraycopy(shape, 0, f, 2, shape.length);
    System.arraycopy(strides, 0, f, 2 + MAX_RANK, strides.length);
    return new Struct(f);
  }
}
