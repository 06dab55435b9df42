package dl.backend.opencl;

import static org.jocl.CL.*;

import dl.Check;
import dl.DType;
import dl.backend.Backend;
import dl.backend.BinaryOp;
import dl.backend.Buffer;
import dl.backend.ConvGeometry;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import dl.backend.View;
import java.util.List;
import java.util.Set;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;

/**
 * Kernels on an OpenCL device. Tensors stay in device memory between ops; only {@code
 * toFloatArray}/{@code toDoubleArray} (and so {@code item()}) read back.
 *
 * <p>Every op has a kernel for float32, and for float64 where the device has {@code cl_khr_fp64}.
 * What has none (float64 elsewhere, more than 8 axes, a kernel that failed to compile) runs on the
 * CPU backend: the buffers are read back, the CPU computes, the result is written to the device,
 * and one line on stderr says so the first time per op. The ops are split by family, like the CPU
 * backend's:
 *
 * <ul>
 *   <li>{@link ClElementwise}: fill, copy, unary/binary ops, where, reductions, gather/scatter;
 *   <li>{@link ClProducts}: the batched matrix product;
 *   <li>{@link ClWindows}: unfold/fold and max pooling;
 *   <li>{@link OpRunner}: what they share, and the one place that picks kernel or {@link
 *       CpuFallback}.
 * </ul>
 */
public final class OpenClBackend implements Backend {
  private static final String[] PROGRAMS = {"elementwise.cl", "reduce.cl", "gemm.cl", "conv.cl"};

  private final ClDevices.Device device;
  private final cl_command_queue queue;
  private final ClAllocator allocator;
  private final OpRunner runner;
  private final ClElementwise elementwise;
  private final ClProducts products;
  private final ClWindows windows;

  private OpenClBackend(ClDevices.Device device) {
    // Checked first, so a bad setting fails before any OpenCL object is created.
    GemmTiles tiles =
        GemmTiles.parse(System.getProperty("dl.opencl.gemm", "64,4,16"), device.localMemory());
    this.device = device;
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL_CONTEXT_PLATFORM, device.platformId());
    cl_context context =
        clCreateContext(props, 1, new cl_device_id[] {device.id()}, null, null, null);
    this.queue = clCreateCommandQueue(context, device.id(), 0, null);
    this.allocator = new ClAllocator(context, queue, memoryBudget(device));
    cl_mem errorFlag = clCreateBuffer(context, CL_MEM_READ_WRITE, Sizeof.cl_int, null, null);
    this.runner =
        new OpRunner(
            this, device, queue, new ProgramCache(context, device.id()), allocator, errorFlag);
    this.elementwise = new ClElementwise(runner);
    this.products = new ClProducts(runner, elementwise, tiles);
    this.windows = new ClWindows(runner);
  }

  /**
   * Opens device {@code index} of {@link ClDevices#list()} ({@code -1}: the first GPU, else the
   * first device) and compiles the float32 kernels, so that a device that cannot run them fails
   * here and not in the middle of a training step.
   *
   * @throws IllegalStateException with a one-line reason when OpenCL cannot be used
   */
  public static OpenClBackend create(int index) {
    List<ClDevices.Device> devices = ClDevices.list();
    ClDevices.Device d;
    if (index < 0) {
      d = devices.stream().filter(ClDevices.Device::gpu).findFirst().orElse(devices.get(0));
    } else if (index < devices.size()) {
      d = devices.get(index);
    } else {
      throw new IllegalStateException(
          Check.message(
              "opencl",
              "no OpenCL device %d (found %d: %s)",
              index,
              devices.size(),
              String.join(", ", devices.stream().map(x -> x.index() + " " + x.name()).toList())));
    }
    OpenClBackend b;
    try {
      b = new OpenClBackend(d);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot open " + d.name() + ": " + ClDevices.firstLine(e.getMessage()), e);
    }
    OpRunner r = b.runner;
    for (String p : PROGRAMS)
      r.programs.program(
          p, p.equals("gemm.cl") ? b.products.defines(DType.FLOAT32) : r.defines(DType.FLOAT32));
    r.programs.program("copy.cl", r.copyDefines(DType.FLOAT32, DType.FLOAT32));
    return b;
  }

  // NOTE: see ClAllocator; a quarter of the device (at most 2 GiB) leaves room for the scratch
  // space of the driver and of other programs sharing the device.
  private static long memoryBudget(ClDevices.Device d) {
    String prop = System.getProperty("dl.opencl.budgetMiB");
    if (prop != null) return Long.parseLong(prop.trim()) << 20;
    return Math.max(64L << 20, Math.min(d.globalMemory() / 4, 2L << 30));
  }

  /** The device this backend runs on. */
  public ClDevices.Device device() {
    return device;
  }

  @Override
  public String name() {
    return "opencl:" + device.index();
  }

  @Override
  public String describe() {
    return "opencl: " + device.summary() + ", " + device.version();
  }

  @Override
  public String toString() {
    return name();
  }

  /** Waits until every queued kernel has finished (for timing). */
  public void finish() {
    clFinish(queue);
  }

  // ---------------------------------------------------------------- memory

  @Override
  public synchronized Buffer allocate(DType dtype, int size) {
    if (size < 0) throw new IllegalArgumentException("allocate: negative size " + size);
    return runner.allocate(dtype, size);
  }

  @Override
  public synchronized Buffer fromArray(float[] data) {
    return allocator.copyOf(this, DType.FLOAT32, data.length, Pointer.to(data));
  }

  @Override
  public synchronized Buffer fromArray(double[] data) {
    return allocator.copyOf(this, DType.FLOAT64, data.length, Pointer.to(data));
  }

  @Override
  public synchronized double[] toDoubleArray(View view) {
    View d = elementwise.dense(view);
    ClBuffer b = runner.cl(d);
    if (b.dtype() == DType.FLOAT64) return allocator.readDoubles(b, d.offset(), d.numel());
    float[] f = allocator.readFloats(b, d.offset(), d.numel());
    double[] r = new double[f.length];
    for (int i = 0; i < f.length; i++) r[i] = f[i];
    return r;
  }

  @Override
  public synchronized float[] toFloatArray(View view) {
    View d = elementwise.dense(view);
    ClBuffer b = runner.cl(d);
    if (b.dtype() == DType.FLOAT32) return allocator.readFloats(b, d.offset(), d.numel());
    double[] x = allocator.readDoubles(b, d.offset(), d.numel());
    float[] r = new float[x.length];
    for (int i = 0; i < x.length; i++) r[i] = (float) x[i];
    return r;
  }

  // ---------------------------------------------------------------- op families

  @Override
  public synchronized void fill(View out, double value) {
    elementwise.fill(out, value);
  }

  @Override
  public synchronized void copy(View src, View dst) {
    elementwise.copy(src, dst);
  }

  @Override
  public synchronized void unary(UnaryOp op, View in, View out) {
    elementwise.unary(op, in, out);
  }

  @Override
  public synchronized void binary(BinaryOp op, View a, View b, View out) {
    elementwise.binary(op, a, b, out);
  }

  @Override
  public synchronized void where(View cond, View a, View b, View out) {
    elementwise.where(cond, a, b, out);
  }

  @Override
  public synchronized void reduce(ReduceOp op, View in, View out) {
    elementwise.reduce(op, in, out);
  }

  @Override
  public synchronized void argReduce(ReduceOp op, View in, int axis, View out) {
    elementwise.argReduce(op, in, axis, out);
  }

  @Override
  public synchronized void gather(View in, int axis, View index, View out) {
    elementwise.gather(in, axis, index, out);
  }

  @Override
  public synchronized void scatterAdd(View src, int axis, View index, View out) {
    elementwise.scatter("scatterAdd", src, axis, index, out, true);
  }

  @Override
  public synchronized void scatter(View src, int axis, View index, View out) {
    elementwise.scatter("scatter", src, axis, index, out, false);
  }

  @Override
  public synchronized void matmul(View a, View b, View out) {
    products.matmul(a, b, out);
  }

  @Override
  public synchronized void im2col(View in, ConvGeometry g, View out) {
    windows.im2col(in, g, out);
  }

  @Override
  public synchronized void col2im(View cols, ConvGeometry g, View out) {
    windows.col2im(cols, g, out);
  }

  @Override
  public synchronized void maxPool2d(View in, ConvGeometry g, View out, View indices) {
    windows.maxPool2d(in, g, out, indices);
  }

  /** The ops that have run on the CPU so far because they had no kernel here (for tests). */
  public synchronized Set<String> cpuFallbacks() {
    return runner.cpuFallbacks();
  }

  /** Bytes of device memory held by live tensors. */
  public long liveBytes() {
    return allocator.liveBytes();
  }

  static {
    // NOTE: errors become CLExceptions with the status name instead of silent return codes.
    try {
      CL.setExceptionsEnabled(true);
    } catch (LinkageError ignored) {
      // reported by ClDevices.list() with the reason
    }
  }
}
