package dl.backend.opencl;

import static org.jocl.CL.*;

import dl.Check;
import dl.DType;
import dl.backend.Buffer;
import dl.backend.View;
import dl.backend.opencl.ProgramCache.BuildException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * What every op family of the backend ({@link ClElementwise}, {@link ClProducts}, {@link
 * ClWindows}) shares: kernels compiled for an element type, the check that views fit the kernels,
 * and {@link #run}, the one place that decides between an op's kernel and its CPU fallback.
 */
final class OpRunner {
  final ClDevices.Device device;
  final ProgramCache programs;
  final Launcher launcher;
  final ClAllocator memory;
  private final OpenClBackend backend;
  private final cl_command_queue queue;
  private final cl_mem errorFlag;
  private final CpuFallback fallback;
  private final Set<String> failedBuilds = new HashSet<>();

  OpRunner(
      OpenClBackend backend,
      ClDevices.Device device,
      cl_command_queue queue,
      ProgramCache programs,
      ClAllocator memory,
      cl_mem errorFlag) {
    this.backend = backend;
    this.device = device;
    this.queue = queue;
    this.programs = programs;
    this.launcher = new Launcher(queue);
    this.memory = memory;
    this.errorFlag = errorFlag;
    this.fallback = new CpuFallback(this, memory);
  }

  // ---------------------------------------------------------------- launch or fall back

  /**
   * Runs an op: {@code launch} enqueues its kernels when {@code fits} is true; when it is false, or
   * the kernels do not compile, {@code onCpu} runs on host copies of {@code views}, and the buffers
   * of the views from {@code firstOutput} on are written back. Each reason is printed once per op.
   */
  void run(
      String op,
      boolean fits,
      Runnable launch,
      View[] views,
      int firstOutput,
      CpuFallback.Body onCpu) {
    run(op, fits, launch, () -> false, views, firstOutput, onCpu);
  }

  /**
   * {@link #run(String, boolean, Runnable, View[], int, CpuFallback.Body)} for kernels that check
   * their input: when {@code rejected} says the kernel found a bad one (an index out of range), the
   * CPU reruns the op, silently, to raise its exact error message.
   */
  void run(
      String op,
      boolean fits,
      Runnable launch,
      BooleanSupplier rejected,
      View[] views,
      int firstOutput,
      CpuFallback.Body onCpu) {
    if (!fits || !launched(op, launch)) fallback.run(op, true, views, firstOutput, onCpu);
    // NOTE: a bad index is rare, so the CPU reruns the op rather than the kernel describing it.
    else if (rejected.getAsBoolean()) fallback.run(op, false, views, firstOutput, onCpu);
  }

  /** Runs {@code launch}; false, said once per op, when its kernels failed to compile. */
  private boolean launched(String op, Runnable launch) {
    try {
      launch.run();
      return true;
    } catch (BuildException e) {
      if (failedBuilds.add(op)) {
        System.err.println(
            "opencl: " + op + " runs on the CPU because its kernels failed to compile:");
        System.err.println(e.getMessage());
      }
      return false;
    }
  }

  /** The ops that have run on the CPU so far because they had no kernel here. */
  Set<String> cpuFallbacks() {
    return fallback.ops();
  }

  // ---------------------------------------------------------------- kernels and views

  /** Compiler options for kernels over elements of type {@code t}. */
  String defines(DType t) {
    boolean fp64 = device.fp64();
    return "-D T="
        + cType(t)
        + " -D ACC="
        + (fp64 ? "double" : "float")
        + (fp64 ? " -D USE_FP64" : "");
  }

  /** Compiler options for copy.cl, converting {@code src} elements to {@code dst}. */
  String copyDefines(DType src, DType dst) {
    return "-D SRC=" + cType(src) + " -D DST=" + cType(dst) + (device.fp64() ? " -D USE_FP64" : "");
  }

  private static String cType(DType t) {
    return t == DType.FLOAT64 ? "double" : "float";
  }

  /** The kernel {@code name} of {@code file}, compiled for elements of type {@code t}. */
  cl_kernel kernel(String file, DType t, String name) {
    return programs.kernel(file, defines(t), name);
  }

  /** The device buffer behind {@code v}; an error naming both backends if it lives elsewhere. */
  ClBuffer cl(View v) {
    Buffer b = v.buffer();
    if (b instanceof ClBuffer c && c.backend() == backend) return c;
    throw Check.badArgument(
        backend.name() + " backend",
        "buffer belongs to backend '%s', not '%s'; move it with to(device) first",
        b.backend().name(),
        backend.name());
  }

  /** True when kernels can take these views: device-resident, a supported type, few axes. */
  boolean fits(View... views) {
    for (View v : views) {
      cl(v);
      if (v.rank() > Launcher.MAX_RANK) return false;
      if (v.dtype() == DType.FLOAT64 && !device.fp64()) return false;
    }
    return true;
  }

  /** A zero-filled device buffer of this backend. */
  ClBuffer allocate(DType t, int size) {
    return memory.zeros(backend, t, size);
  }

  /** A kernel argument holding {@code v} in the element type {@code t}. */
  static Object scalarArg(DType t, double v) {
    return t == DType.FLOAT64 ? (Object) v : (Object) (float) v;
  }

  // ---------------------------------------------------------------- error flag

  /** The flag a checking kernel sets on bad input; pass it as the kernel's last argument. */
  cl_mem clearedErrorFlag() {
    clEnqueueFillBuffer(queue, errorFlag, Pointer.to(new int[] {0}), 4, 0, 4, 0, null, null);
    return errorFlag;
  }

  /** Whether a kernel since {@link #clearedErrorFlag} found bad input (waits for it). */
  boolean errorFlagSet() {
    int[] flag = new int[1];
    clEnqueueReadBuffer(queue, errorFlag, true, 0, 4, Pointer.to(flag), 0, null, null);
    return flag[0] != 0;
  }
}
