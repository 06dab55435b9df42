package dl.backend;

import dl.Check;
import dl.backend.cpu.CpuBackend;
import dl.backend.opencl.ClDevices;
import dl.backend.opencl.OpenClBackend;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which backend runs new tensors, and the devices there are.
 *
 * <p>The first call to {@link #current()} chooses: the setting {@code -Ddl.backend=…} or the
 * environment variable {@code DL_BACKEND} ({@code cpu}, {@code opencl} or {@code opencl:<index>}),
 * else an OpenCL GPU when there is one, else the CPU. It prints one line saying what it chose and
 * why, on standard output. Whatever goes wrong with OpenCL (no {@code libOpenCL.so}, no platform,
 * no such device, kernels that do not compile), the answer is the CPU backend and that line says
 * why: a notebook never fails for lack of a GPU. Tensors keep the backend they were created on;
 * move them with {@code tensor.to(device)} and {@code model.to(device)}.
 *
 * <pre>{@code
 * jshell> Backends.current()
 * dl: backend cpu (8 threads, SIMD) — OpenCL present (PoCL, CPU device only); set DL_BACKEND=opencl to use it
 * jshell> var gpu = Backends.opencl();   // the CPU again, with a line saying why, if there is none
 * }</pre>
 */
public final class Backends {
  private static volatile Backend current;
  private static CpuBackend cpu;
  private static final Map<Integer, Backend> openCl = new HashMap<>();
  private static final Map<Integer, String> openClFailure = new HashMap<>();
  private static String choice = "not chosen yet";

  private Backends() {}

  /** The backend new tensors are allocated on (chosen on first use, see the class comment). */
  public static Backend current() {
    Backend b = current;
    if (b == null) {
      synchronized (Backends.class) {
        if (current == null) current = choose();
        b = current;
      }
    }
    return b;
  }

  /** Makes {@code backend} the one new tensors are created on; returns the previous one. */
  public static synchronized Backend use(Backend backend) {
    Backend previous = current();
    current = backend;
    return previous;
  }

  /** The CPU backend (one instance, shared by every CPU tensor). */
  public static synchronized Backend cpu() {
    if (cpu == null) cpu = new CpuBackend();
    return cpu;
  }

  /**
   * The OpenCL backend on the first GPU (else the first OpenCL device); when OpenCL cannot be used,
   * the CPU backend, after one line saying why.
   */
  public static Backend opencl() {
    return opencl(-1);
  }

  /** The OpenCL backend on device {@code index} (see {@link #info()}), else the CPU with a line. */
  public static synchronized Backend opencl(int index) {
    boolean known = openClFailure.containsKey(index);
    Backend b = openCl(index);
    if (b != null) return b;
    // NOTE: one line per device asked for, not one per call: notebooks call this in loops too.
    if (!known) System.out.println(line(cpu(), "OpenCL unavailable: " + openClFailure.get(index)));
    return cpu();
  }

  /** The backend named by {@code spec}: {@code cpu}, {@code opencl} or {@code opencl:<index>}. */
  public static Backend get(String spec) {
    String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
    if (s.equals("cpu")) return cpu();
    if (s.equals("opencl")) return opencl();
    if (s.startsWith("opencl:")) {
      try {
        return opencl(Integer.parseInt(s.substring(7)));
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw Check.badArgument(
        "Backends.get", "unknown backend '%s' (want cpu, opencl or opencl:<index>)", spec);
  }

  /** Why the current backend was chosen: the line printed on first use. */
  public static synchronized String choice() {
    current();
    return choice;
  }

  /**
   * A few lines for the top of a notebook: the chosen backend, then every OpenCL device (platform,
   * device, compute units, memory), or why there are none.
   */
  public static String info() {
    StringBuilder sb = new StringBuilder();
    sb.append("backend: ").append(current().describe()).append('\n');
    sb.append("chosen:  ").append(choice().replaceFirst("^dl: ", "")).append('\n');
    try {
      List<ClDevices.Device> devices = ClDevices.list();
      sb.append("OpenCL devices:\n");
      for (ClDevices.Device d : devices) {
        sb.append(
            String.format(
                "  %d: %s / %s — %s, %d compute units @ %d MHz, %.1f GiB global memory, %d KiB"
                    + " local memory%s%n",
                d.index(),
                d.platform(),
                d.name(),
                d.gpu() ? "GPU" : "CPU",
                d.computeUnits(),
                d.clockMHz(),
                d.globalMemory() / (double) (1L << 30),
                d.localMemory() >> 10,
                d.fp64() ? ", fp64" : ""));
      }
    } catch (IllegalStateException | LinkageError e) {
      sb.append("OpenCL: unavailable (").append(e.getMessage()).append(")\n");
    }
    return sb.toString().stripTrailing();
  }

  // ---------------------------------------------------------------- choosing

  /** The OpenCL backend for {@code index} (−1: first GPU, else first device), or null. */
  private static Backend openCl(int index) {
    if (openCl.containsKey(index)) return openCl.get(index);
    if (openClFailure.containsKey(index)) return null;
    try {
      OpenClBackend b = OpenClBackend.create(index);
      // NOTE: "first GPU" and its explicit index must be one backend, or tensors made through
      // each would count as being on different devices.
      Backend same = openCl.get(b.device().index());
      if (same == null) {
        same = b;
        openCl.put(b.device().index(), b);
      }
      openCl.put(index, same);
      return same;
    } catch (RuntimeException | LinkageError e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      int nl = why.indexOf('\n');
      if (nl >= 0) {
        // A build log: show it, then keep the one-line reason.
        System.err.println(why);
        why = why.substring(0, nl);
      }
      openClFailure.put(index, why);
      return null;
    }
  }

  private static Backend choose() {
    String prop = System.getProperty("dl.backend");
    String env = System.getenv("DL_BACKEND");
    String setting = prop != null && !prop.isBlank() ? prop : env;
    return choose(setting, setting == prop ? "-Ddl.backend=" : "DL_BACKEND=");
  }

  /**
   * What {@link #current()} resolves {@code setting} (from {@code source}, named in the line) to;
   * prints the line. Package-private for the fallback test.
   */
  static synchronized Backend choose(String setting, String source) {
    Backend chosen;
    String why;
    if (setting == null || setting.isBlank() || setting.trim().equalsIgnoreCase("auto")) {
      chosen = automatic();
      why = choice;
    } else {
      String s = setting.trim().toLowerCase(java.util.Locale.ROOT);
      Integer index = null;
      if (s.equals("opencl")) index = -1;
      else if (s.startsWith("opencl:")) {
        try {
          index = Integer.parseInt(s.substring(7));
        } catch (NumberFormatException e) {
          index = null;
        }
      }
      if (s.equals("cpu")) {
        chosen = cpu();
        why = line(chosen, "chosen by " + source + setting);
      } else if (index == null) {
        chosen = cpu();
        why =
            line(chosen, "ignoring " + source + setting + " (want cpu, opencl or opencl:<index>)");
      } else {
        Backend b = openCl(index);
        chosen = b != null ? b : cpu();
        why =
            b != null
                ? line(chosen, "chosen by " + source + setting)
                : line(
                    chosen,
                    "OpenCL unavailable (" + source + setting + "): " + openClFailure.get(index));
      }
    }
    choice = why;
    // NOTE: standard output, not standard error: Jupyter shows standard error in a red box, and
    // this line is information, not a failure.
    System.out.println(why);
    return chosen;
  }

  private static Backend automatic() {
    List<ClDevices.Device> devices;
    try {
      devices = ClDevices.list();
    } catch (IllegalStateException | LinkageError e) {
      choice = line(cpu(), "OpenCL unavailable: " + e.getMessage());
      return cpu();
    }
    ClDevices.Device gpu = devices.stream().filter(ClDevices.Device::gpu).findFirst().orElse(null);
    if (gpu == null) {
      ClDevices.Device d = devices.get(0);
      choice =
          line(
              cpu(),
              "OpenCL present ("
                  + d.platform()
                  + ", "
                  + (devices.size() == 1 ? "one CPU device" : devices.size() + " non-GPU devices")
                  + " only); set DL_BACKEND=opencl to use it");
      return cpu();
    }
    Backend b = openCl(gpu.index());
    if (b == null) {
      choice = line(cpu(), "OpenCL GPU unusable: " + openClFailure.get(gpu.index()));
      return cpu();
    }
    choice = line(b, "the first OpenCL GPU; set DL_BACKEND=cpu for the CPU");
    return b;
  }

  private static String line(Backend b, String why) {
    String what =
        b instanceof CpuBackend c
            ? "cpu ("
                + c.threads()
                + " thread"
                + (c.threads() == 1 ? "" : "s")
                + (c.simd()
                    ? ", SIMD"
                    : ", no SIMD: "
                        + (CpuBackend.SIMD_AVAILABLE
                            ? "turned off for this backend"
                            : CpuBackend.noSimdReason()))
                + ")"
            : b.name() + " (" + ((OpenClBackend) b).device().summary() + ")";
    return "dl: backend " + what + " — " + why;
  }
}
