package dl.backend.opencl;

import static org.jocl.CL.*;

import dl.DType;
import dl.backend.Backend;
import dl.backend.BinaryOp;
import dl.backend.Buffer;
import dl.backend.ConvGeometry;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import dl.backend.View;
import dl.backend.cpu.CpuBackend;
import dl.backend.opencl.Launcher.Local;
import dl.backend.opencl.Launcher.Struct;
import dl.backend.opencl.ProgramCache.BuildException;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * Kernels on an OpenCL device. Tensors stay in device memory between ops; only {@code
 * toFloatArray}/{@code toDoubleArray} (and so {@code item()}) read back.
 *
 * <p>Every op has a kernel for float32, and for float64 where the device has {@code cl_khr_fp64}.
 * What has none (float64 elsewhere, more than 8 axes, a kernel that failed to compile) runs on the
 * CPU backend: the buffers are read back, the CPU computes, the result is written to the device,
 * and one line on stderr says so the first time per op.
 */
public final class OpenClBackend implements Backend {
  private static final String[] PROGRAMS = {"elementwise.cl", "reduce.cl", "gemm.cl", "conv.cl"};

  private final ClDevices.Device device;
  private final cl_context context;
  private final cl_command_queue queue;
  private final ClAllocator allocator;
  private final ProgramCache programs;
  private final Launcher launcher;
  private final cl_mem errorFlag;
  private final Set<String> reported = new HashSet<>();
  private CpuBackend cpu;

  private OpenClBackend(ClDevices.Device device) {
    // Checked first, so a bad setting fails before any OpenCL object is created.
    GemmTiles tiles =
        GemmTiles.parse(System.getProperty("dl.opencl.gemm", "64,4,16"), device.localMemory());
    this.device = device;
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL_CONTEXT_PLATFORM, device.platformId());
    this.context = clCreateContext(props, 1, new cl_device_id[] {device.id()}, null, null, null);
    this.queue = clCreateCommandQueue(context, device.id(), 0, null);
    this.allocator = new ClAllocator(context, queue, memoryBudget(device));
    this.programs = new ProgramCache(context, device.id());
    this.launcher = new Launcher(queue);
    this.errorFlag = clCreateBuffer(context, CL_MEM_READ_WRITE, Sizeof.cl_int, null, null);
    this.tile = tiles.ts();
    this.gemmTiles = tiles.defines();
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
          "no OpenCL device "
              + index
              + " (found "
              + devices.size()
              + ": "
              + String.join(", ", devices.stream().map(x -> x.index() + " " + x.name()).toList())
              + ")");
    }
    OpenClBackend b;
    try {
      b = new OpenClBackend(d);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot open " + d.name() + ": " + ClDevices.firstLine(e.getMessage()), e);
    }
    for (String p : PROGRAMS)
      b.programs.program(p, b.defines(DType.FLOAT32) + (p.equals("gemm.cl") ? b.gemmTiles : ""));
    b.programs.program("copy.cl", b.copyDefines(DType.FLOAT32, DType.FLOAT32));
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

  // ---------------------------------------------------------------- plumbing

  private String defines(DType t) {
    boolean fp64 = device.fp64();
    return "-D T="
        + (t == DType.FLOAT64 ? "double" : "float")
        + " -D ACC="
        + (fp64 ? "double" : "float")
        + (fp64 ? " -D USE_FP64" : "");
  }

  private String copyDefines(DType src, DType dst) {
    return "-D SRC="
        + (src == DType.FLOAT64 ? "double" : "float")
        + " -D DST="
        + (dst == DType.FLOAT64 ? "double" : "float")
        + (device.fp64() ? " -D USE_FP64" : "");
  }

  private cl_kernel kernel(String file, DType t, String name) {
    return programs.kernel(file, defines(t), name);
  }

  private ClBuffer cl(View v) {
    Buffer b = v.buffer();
    if (b instanceof ClBuffer c && c.backend() == this) return c;
    throw new IllegalArgumentException(
        name()
            + " backend: buffer belongs to backend '"
            + b.backend().name()
            + "', not '"
            + name()
            + "'; move it with to(device) first");
  }

  /** True when kernels can take these views: device-resident, a supported type, few axes. */
  private boolean fits(View... views) {
    for (View v : views) {
      cl(v);
      if (v.rank() > Launcher.MAX_RANK) return false;
      if (v.dtype() == DType.FLOAT64 && !device.fp64()) return false;
    }
    return true;
  }

  /**
   * Runs {@code body} on the device; if its kernels do not compile, says so once and returns false
   * so the caller can run the op on the CPU.
   */
  private boolean onDevice(String op, Runnable body) {
    try {
      body.run();
      return true;
    } catch (BuildException e) {
      if (reported.add("build " + op)) {
        System.err.println(
            "opencl: " + op + " runs on the CPU because its kernels failed to compile:");
        System.err.println(e.getMessage());
      }
      return false;
    }
  }

  /**
   * The per-op fallback: copies the buffers behind {@code views} to the host, runs {@code body} on
   * the CPU backend with host views, and writes back the buffers of views from {@code firstOutput}
   * on.
   */
  private void onCpu(String op, View[] views, int firstOutput, Consumer<View[]> body) {
    onCpu(op, true, views, firstOutput, body);
  }

  private void onCpu(
      String op, boolean announce, View[] views, int firstOutput, Consumer<View[]> body) {
    if (announce && reported.add(op))
      System.err.println("opencl: no kernel for " + op + " here yet, running it on the CPU");
    if (cpu == null) cpu = new CpuBackend(1);
    Map<ClBuffer, Buffer> host = new IdentityHashMap<>();
    View[] hv = new View[views.length];
    for (int i = 0; i < views.length; i++) {
      View v = views[i];
      ClBuffer b = cl(v);
      Buffer h =
          host.computeIfAbsent(
              b,
              x ->
                  x.dtype() == DType.FLOAT32
                      ? cpu.fromArray(readFloats(x, 0, x.size()))
                      : cpu.fromArray(readDoubles(x, 0, x.size())));
      hv[i] = new View(h, v.shape(), v.strides(), v.offset());
    }
    body.accept(hv);
    Set<ClBuffer> written = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = firstOutput; i < views.length; i++) {
      ClBuffer b = cl(views[i]);
      if (!written.add(b) || b.size() == 0) continue;
      View whole = View.contiguous(host.get(b), new int[] {b.size()});
      Pointer p =
          b.dtype() == DType.FLOAT32
              ? Pointer.to(cpu.toFloatArray(whole))
              : Pointer.to(cpu.toDoubleArray(whole));
      clEnqueueWriteBuffer(
          queue, b.mem, true, 0, (long) b.size() * b.dtype().bytes(), p, 0, null, null);
    }
  }

  private float[] readFloats(ClBuffer b, int offset, int n) {
    float[] r = new float[n];
    if (n > 0)
      clEnqueueReadBuffer(
          queue,
          b.mem,
          true,
          (long) offset * Sizeof.cl_float,
          (long) n * Sizeof.cl_float,
          Pointer.to(r),
          0,
          null,
          null);
    return r;
  }

  private double[] readDoubles(ClBuffer b, int offset, int n) {
    double[] r = new double[n];
    if (n > 0)
      clEnqueueReadBuffer(
          queue,
          b.mem,
          true,
          (long) offset * Sizeof.cl_double,
          (long) n * Sizeof.cl_double,
          Pointer.to(r),
          0,
          null,
          null);
    return r;
  }

  /** {@code v} itself if it has type {@code t}, else a converted contiguous copy on the device. */
  private View asType(View v, DType t) {
    if (v.dtype() == t) return v;
    View c = View.contiguous(allocate(t, v.numel()), v.shape());
    copy(v, c);
    return c;
  }

  /** {@code v} itself if contiguous, else a contiguous copy on the device. */
  private View dense(View v) {
    if (v.isContiguous()) return v;
    View c = View.contiguous(allocate(v.dtype(), v.numel()), v.shape());
    copy(v, c);
    return c;
  }

  private void clearErrorFlag() {
    clEnqueueFillBuffer(queue, errorFlag, Pointer.to(new int[] {0}), 4, 0, 4, 0, null, null);
  }

  private boolean errorFlagSet() {
    int[] flag = new int[1];
    clEnqueueReadBuffer(queue, errorFlag, true, 0, 4, Pointer.to(flag), 0, null, null);
    return flag[0] != 0;
  }

  private static Object scalarArg(DType t, double v) {
    return t == DType.FLOAT64 ? (Object) v : (Object) (float) v;
  }

  // ---------------------------------------------------------------- memory

  @Override
  public synchronized Buffer allocate(DType dtype, int size) {
    if (size < 0) throw new IllegalArgumentException("allocate: negative size " + size);
    return allocator.zeros(this, dtype, size);
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
    View d = dense(view);
    ClBuffer b = cl(d);
    if (b.dtype() == DType.FLOAT64) return readDoubles(b, d.offset(), d.numel());
    float[] f = readFloats(b, d.offset(), d.numel());
    double[] r = new double[f.length];
    for (int i = 0; i < f.length; i++) r[i] = f[i];
    return r;
  }

  @Override
  public synchronized float[] toFloatArray(View view) {
    View d = dense(view);
    ClBuffer b = cl(d);
    if (b.dtype() == DType.FLOAT32) return readFloats(b, d.offset(), d.numel());
    double[] x = readDoubles(b, d.offset(), d.numel());
    float[] r = new float[x.length];
    for (int i = 0; i < x.length; i++) r[i] = (float) x[i];
    return r;
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public synchronized void fill(View out, double value) {
    DType t = out.dtype();
    if (!fits(out)
        || !onDevice(
            "fill",
            () ->
                launcher.run1d(
                    kernel("elementwise.cl", t, "fill"),
                    out.numel(),
                    cl(out),
                    Launcher.compact(out),
                    scalarArg(t, value),
                    out.numel()))) {
      onCpu("fill", new View[] {out}, 0, v -> cpu.fill(v[0], value));
    }
  }

  @Override
  public synchronized void copy(View src, View dst) {
    if (!fits(src, dst)) {
      onCpu("copy", new View[] {src, dst}, 1, v -> cpu.copy(v[0], v[1]));
      return;
    }
    int n = dst.numel();
    if (n == 0) return;
    if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
      long bytes = src.dtype().bytes();
      clEnqueueCopyBuffer(
          queue,
          cl(src).mem,
          cl(dst).mem,
          src.offset() * bytes,
          dst.offset() * bytes,
          n * bytes,
          0,
          null,
          null);
      return;
    }
    boolean ok =
        onDevice(
            "copy",
            () ->
                launcher.run1d(
                    programs.kernel("copy.cl", copyDefines(src.dtype(), dst.dtype()), "copy"),
                    n,
                    cl(src),
                    Launcher.compact(src),
                    cl(dst),
                    Launcher.compact(dst),
                    n));
    if (!ok) onCpu("copy", new View[] {src, dst}, 1, v -> cpu.copy(v[0], v[1]));
  }

  /** The op's code in the kernels: its enum position, defined there as a name (ProgramCache). */
  private static int code(UnaryOp op) {
    return op.ordinal();
  }

  /** The op's code in the kernels: its enum position, defined there as a name (ProgramCache). */
  private static int code(BinaryOp op) {
    return op.ordinal();
  }

  @Override
  public synchronized void unary(UnaryOp op, View in, View out) {
    String name = "unary " + op;
    boolean ok =
        fits(in, out)
            && in.dtype() == out.dtype()
            && onDevice(
                name,
                () ->
                    launcher.run1d(
                        kernel("elementwise.cl", out.dtype(), "unary"),
                        out.numel(),
                        code(op),
                        cl(in),
                        Launcher.compact(in),
                        cl(out),
                        Launcher.compact(out),
                        out.numel()));
    if (!ok) onCpu(name, new View[] {in, out}, 1, v -> cpu.unary(op, v[0], v[1]));
  }

  @Override
  public synchronized void binary(BinaryOp op, View a, View b, View out) {
    String name = "binary " + op;
    DType t = out.dtype();
    boolean ok =
        fits(a, b, out)
            && onDevice(
                name,
                () -> {
                  View a2 = asType(a, t), b2 = asType(b, t);
                  launcher.run1d(
                      kernel("elementwise.cl", t, "binary"),
                      out.numel(),
                      code(op),
                      cl(a2),
                      Launcher.compact(a2),
                      cl(b2),
                      Launcher.compact(b2),
                      cl(out),
                      Launcher.compact(out),
                      out.numel());
                });
    if (!ok) onCpu(name, new View[] {a, b, out}, 2, v -> cpu.binary(op, v[0], v[1], v[2]));
  }

  @Override
  public synchronized void where(View cond, View a, View b, View out) {
    DType t = out.dtype();
    boolean ok =
        fits(cond, a, b, out)
            && onDevice(
                "where",
                () -> {
                  View c2 = asType(cond, t), a2 = asType(a, t), b2 = asType(b, t);
                  launcher.run1d(
                      kernel("elementwise.cl", t, "where_"),
                      out.numel(),
                      cl(c2),
                      Launcher.compact(c2),
                      cl(a2),
                      Launcher.compact(a2),
                      cl(b2),
                      Launcher.compact(b2),
                      cl(out),
                      Launcher.compact(out),
                      out.numel());
                });
    if (!ok)
      onCpu("where", new View[] {cond, a, b, out}, 3, v -> cpu.where(v[0], v[1], v[2], v[3]));
  }

  // ---------------------------------------------------------------- reductions

  /** The op's code in the kernels: its enum position, defined there as a name (ProgramCache). */
  private static int code(ReduceOp op) {
    return op.ordinal();
  }

  /** Work-items per group for reductions that give each output element a whole group. */
  private int reduceGroup() {
    int g = 1;
    while (g * 2 <= Math.min(256, device.maxWorkGroup())) g *= 2;
    return g;
  }

  @Override
  public synchronized void reduce(ReduceOp op, View in, View out) {
    String name = "reduce " + op;
    int nout = out.numel();
    if (nout == 0) return;
    int nred = in.numel() / nout;
    if (in.numel() == 0) {
      fill(out, op.identity());
      return;
    }
    DType t = out.dtype();
    boolean ok =
        fits(in, out)
            && in.dtype() == t
            && onDevice(
                name,
                () -> {
                  if (nred >= 128) {
                    int group = reduceGroup();
                    int accBytes = device.fp64() ? 8 : 4;
                    launcher.run(
                        kernel("reduce.cl", t, "reduce_groups"),
                        new long[] {(long) nout * group},
                        new long[] {group},
                        code(op),
                        cl(in),
                        Launcher.full(in),
                        cl(out),
                        Launcher.full(out),
                        nout,
                        nred,
                        new Local((long) group * accBytes));
                  } else {
                    launcher.run1d(
                        kernel("reduce.cl", t, "reduce_rows"),
                        nout,
                        code(op),
                        cl(in),
                        Launcher.full(in),
                        cl(out),
                        Launcher.full(out),
                        nout,
                        nred);
                  }
                });
    if (!ok) onCpu(name, new View[] {in, out}, 1, v -> cpu.reduce(op, v[0], v[1]));
  }

  @Override
  public synchronized void argReduce(ReduceOp op, View in, int axis, View out) {
    String name = "argReduce " + op;
    int nout = out.numel();
    boolean ok =
        op != ReduceOp.SUM
            && fits(in, out)
            && in.dtype() == out.dtype()
            && onDevice(
                name,
                () ->
                    launcher.run1d(
                        kernel("reduce.cl", out.dtype(), "arg_reduce"),
                        nout,
                        code(op),
                        cl(in),
                        Launcher.full(in),
                        cl(out),
                        Launcher.full(out),
                        axis,
                        nout));
    if (!ok) onCpu(name, new View[] {in, out}, 1, v -> cpu.argReduce(op, v[0], axis, v[1]));
  }

  // ---------------------------------------------------------------- matrix product

  /** Work-items per tile edge of gemm.cl (RTS there). */
  private static final int THREADS = 16;

  /** Tile sizes for gemm.cl; {@code -Ddl.opencl.gemm=TS,WPT,TK} overrides them (for tuning). */
  private final int tile;

  private final String gemmTiles;

  @Override
  public synchronized void matmul(View a, View b, View out) {
    int r = out.rank();
    int m = out.shape()[r - 2], n = out.shape()[r - 1], k = a.shape()[r - 1];
    int batches = out.numel() / Math.max(1, m * n);
    if (out.numel() == 0) return;
    if (k == 0) {
      fill(out, 0);
      return;
    }
    DType t = out.dtype();
    boolean ok =
        fits(a, b, out)
            && a.dtype() == t
            && b.dtype() == t
            && device.maxWorkGroup() >= THREADS * THREADS
            && onDevice(
                "matmul",
                () ->
                    launcher.run(
                        programs.kernel("gemm.cl", defines(t) + gemmTiles, "gemm"),
                        new long[] {
                          (long) (n + tile - 1) / tile * THREADS,
                          (long) (m + tile - 1) / tile * THREADS,
                          batches
                        },
                        new long[] {THREADS, THREADS, 1},
                        m,
                        n,
                        k,
                        cl(a),
                        Launcher.batch(a),
                        a.strides()[r - 2],
                        a.strides()[r - 1],
                        cl(b),
                        Launcher.batch(b),
                        b.strides()[r - 2],
                        b.strides()[r - 1],
                        cl(out),
                        Launcher.batch(out),
                        out.strides()[r - 2],
                        out.strides()[r - 1]));
    if (!ok) onCpu("matmul", new View[] {a, b, out}, 2, v -> cpu.matmul(v[0], v[1], v[2]));
  }

  // ---------------------------------------------------------------- gathers and scatters

  @Override
  public synchronized void gather(View in, int axis, View index, View out) {
    DType t = out.dtype();
    boolean ok =
        fits(in, index, out)
            && in.dtype() == t
            && onDevice(
                "gather",
                () -> {
                  View i2 = asType(index, t);
                  clearErrorFlag();
                  launcher.run1d(
                      kernel("conv.cl", t, "gather"),
                      out.numel(),
                      cl(in),
                      Launcher.full(in),
                      axis,
                      cl(i2),
                      Launcher.compact(i2),
                      cl(out),
                      Launcher.full(out),
                      out.numel(),
                      errorFlag);
                });
    // NOTE: a bad index is rare, so the CPU reruns the op to raise its exact error message.
    if (!ok || errorFlagSet())
      onCpu("gather", !ok, new View[] {in, index, out}, 2, v -> cpu.gather(v[0], axis, v[1], v[2]));
  }

  @Override
  public synchronized void scatterAdd(View src, int axis, View index, View out) {
    scatter("scatterAdd", src, axis, index, out, true);
  }

  @Override
  public synchronized void scatter(View src, int axis, View index, View out) {
    scatter("scatter", src, axis, index, out, false);
  }

  private void scatter(String op, View src, int axis, View index, View out, boolean accumulate) {
    DType t = out.dtype();
    int len = index.shape()[axis];
    if (index.numel() == 0) return;
    int lines = index.numel() / len;
    boolean ok =
        fits(src, index, out)
            && src.dtype() == t
            && onDevice(
                op,
                () -> {
                  View i2 = asType(index, t);
                  clearErrorFlag();
                  launcher.run1d(
                      kernel("conv.cl", t, "scatter"),
                      lines,
                      accumulate ? 1 : 0,
                      cl(src),
                      Launcher.full(src),
                      axis,
                      cl(i2),
                      Launcher.full(i2),
                      cl(out),
                      Launcher.full(out),
                      lines,
                      errorFlag);
                });
    if (!ok || errorFlagSet()) {
      onCpu(
          op,
          !ok,
          new View[] {src, index, out},
          2,
          v -> {
            if (accumulate) cpu.scatterAdd(v[0], axis, v[1], v[2]);
            else cpu.scatter(v[0], axis, v[1], v[2]);
          });
    }
  }

  // ---------------------------------------------------------------- sliding windows

  private static Struct geometry(ConvGeometry g) {
    return new Struct(
        new int[] {
          g.n(),
          g.c(),
          g.h(),
          g.w(),
          g.kh(),
          g.kw(),
          g.strideH(),
          g.strideW(),
          g.padTop(),
          g.padBottom(),
          g.padLeft(),
          g.padRight(),
          g.dilationH(),
          g.dilationW(),
          g.outH(),
          g.outW()
        });
  }

  @Override
  public synchronized void im2col(View in, ConvGeometry g, View out) {
    if (!out.isContiguous())
      throw new IllegalArgumentException("im2col: output must be contiguous");
    DType t = out.dtype();
    long total = (long) g.rows() * g.columns();
    boolean ok =
        fits(in, out)
            && in.dtype() == t
            && onDevice(
                "im2col",
                () ->
                    launcher.run1d(
                        kernel("conv.cl", t, "im2col"),
                        total,
                        cl(in),
                        Launcher.full(in),
                        cl(out),
                        out.offset(),
                        geometry(g),
                        (int) total));
    if (!ok) onCpu("im2col", new View[] {in, out}, 1, v -> cpu.im2col(v[0], g, v[1]));
  }

  @Override
  public synchronized void col2im(View cols, ConvGeometry g, View out) {
    if (!cols.isContiguous() || !out.isContiguous())
      throw new IllegalArgumentException("col2im: columns and output must be contiguous");
    DType t = out.dtype();
    int total = g.n() * g.c() * g.h() * g.w();
    boolean ok =
        fits(cols, out)
            && cols.dtype() == t
            && onDevice(
                "col2im",
                () ->
                    launcher.run1d(
                        kernel("conv.cl", t, "col2im"),
                        total,
                        cl(cols),
                        cols.offset(),
                        cl(out),
                        out.offset(),
                        geometry(g),
                        total));
    if (!ok) onCpu("col2im", new View[] {cols, out}, 1, v -> cpu.col2im(v[0], g, v[1]));
  }

  @Override
  public synchronized void maxPool2d(View in, ConvGeometry g, View out, View indices) {
    if (!out.isContiguous() || !indices.isContiguous())
      throw new IllegalArgumentException("maxPool2d: output and indices must be contiguous");
    DType t = out.dtype();
    int total = g.n() * g.c() * g.outH() * g.outW();
    boolean ok =
        fits(in, out, indices)
            && in.dtype() == t
            && indices.dtype() == t
            && onDevice(
                "maxPool2d",
                () ->
                    launcher.run1d(
                        kernel("conv.cl", t, "max_pool"),
                        total,
                        cl(in),
                        Launcher.full(in),
                        cl(out),
                        out.offset(),
                        cl(indices),
                        indices.offset(),
                        geometry(g),
                        total));
    if (!ok)
      onCpu("maxPool2d", new View[] {in, out, indices}, 1, v -> cpu.maxPool2d(v[0], g, v[1], v[2]));
  }

  /** The ops that have run on the CPU so far because they had no kernel here (for tests). */
  public synchronized Set<String> cpuFallbacks() {
    Set<String> r = new java.util.TreeSet<>();
    for (String s : reported) if (!s.startsWith("build ")) r.add(s);
    return r;
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
