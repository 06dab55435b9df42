package dl.backend.opencl;

import static org.jocl.CL.*;

import dl.Check;
import dl.backend.BinaryOp;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * Compiles each kernel source once per context and per set of defines (the element type), and hands
 * out its kernels. A failed build throws {@link BuildException} carrying the compiler's log; the
 * failure is remembered so the program is not rebuilt on every call.
 */
final class ProgramCache {

  /** A kernel source that did not compile; the message ends with the build log. */
  static final class BuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String log;

    BuildException(String what, String log) {
      super(what + (log.isBlank() ? "" : "\n" + log.strip()));
      this.log = log;
    }
  }

  private final cl_context context;
  private final cl_device_id device;
  private final String common;
  private final Map<String, cl_program> programs = new HashMap<>();
  private final Map<String, BuildException> failures = new HashMap<>();
  private final Map<String, cl_kernel> kernels = new HashMap<>();

  /**
   * {@code #define UNARY_RELU 7}, {@code #define BINARY_ADD 0}, … for every constant of {@link
   * UnaryOp}, {@link BinaryOp} and {@link ReduceOp}: the kernels switch on these names, and the
   * Java side passes {@code op.ordinal()}, so the two can never disagree.
   */
  static final String OP_CODES = opCodes();

  static String opCodes() {
    StringBuilder sb = new StringBuilder("// op codes, generated from the Java enums\n");
    for (UnaryOp op : UnaryOp.values())
      sb.append("#define UNARY_").append(op.name()).append(' ').append(op.ordinal()).append('\n');
    for (BinaryOp op : BinaryOp.values())
      sb.append("#define BINARY_").append(op.name()).append(' ').append(op.ordinal()).append('\n');
    for (ReduceOp op : ReduceOp.values())
      sb.append("#define REDUCE_").append(op.name()).append(' ').append(op.ordinal()).append('\n');
    return sb.toString();
  }

  ProgramCache(cl_context context, cl_device_id device) {
    this.context = context;
    this.device = device;
    this.common = resource("common.cl");
  }

  /** The kernel {@code name} from {@code file} built with {@code defines}. */
  synchronized cl_kernel kernel(String file, String defines, String name) {
    String key = file + " " + defines + " " + name;
    cl_kernel k = kernels.get(key);
    if (k == null) {
      k = clCreateKernel(program(file, defines), name, null);
      kernels.put(key, k);
    }
    return k;
  }

  synchronized cl_program program(String file, String defines) {
    String key = file + " " + defines;
    BuildException failed = failures.get(key);
    if (failed != null) throw failed;
    cl_program p = programs.get(key);
    if (p != null) return p;
    String source = OP_CODES + common + "\n" + resource(file);
    p = clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
    try {
      clBuildProgram(p, 1, new cl_device_id[] {device}, defines, null, null);
    } catch (CLException e) {
      BuildException b =
          new BuildException(
              Check.message("opencl", "kernels in %s (%s) failed to compile", file, defines.trim()),
              log(p));
      failures.put(key, b);
      clReleaseProgram(p);
      throw b;
    }
    programs.put(key, p);
    return p;
  }

  private String log(cl_program p) {
    try {
      long[] size = new long[1];
      clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
      byte[] b = new byte[(int) size[0]];
      clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
      int len = 0;
      while (len < b.length && b[len] != 0) len++;
      return new String(b, 0, len, StandardCharsets.UTF_8);
    } catch (CLException e) {
      return "(no build log: " + e.getMessage() + ")";
    }
  }

  static String resource(String file) {
    try (InputStream in = ProgramCache.class.getResourceAsStream(file)) {
      if (in == null) throw new IllegalStateException("opencl: kernel source " + file + " missing");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("opencl: cannot read kernel source " + file, e);
    }
  }
}
