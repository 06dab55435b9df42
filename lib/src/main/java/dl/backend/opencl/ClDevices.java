package dl.backend.opencl;

import static org.jocl.CL.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Every OpenCL device on every platform, numbered in one list (the index in {@code opencl:<i>}).
 */
public final class ClDevices {
  private ClDevices() {}

  /** What the library needs to know about one device, read once. */
  public record Device(
      int index,
      cl_platform_id platformId,
      cl_device_id id,
      String platform,
      String name,
      boolean gpu,
      int computeUnits,
      int clockMHz,
      long globalMemory,
      long maxAllocation,
      long localMemory,
      long maxWorkGroup,
      boolean fp64,
      String version) {

    /** One line, e.g. {@code NVIDIA CUDA / NVIDIA H100 (GPU, 132 compute units, 79.1 GiB)}. */
    public String summary() {
      return String.format(
          "%s / %s (%s, %d compute units, %.1f GiB)",
          platform, name, gpu ? "GPU" : "CPU", computeUnits, globalMemory / (double) (1L << 30));
    }
  }

  private static List<Device> cached;
  private static String unavailable;

  /**
   * The devices, or an {@link IllegalStateException} whose message says in a few words why there
   * are none (no libOpenCL.so, no platform, no device).
   */
  public static synchronized List<Device> list() {
    if (cached != null) return cached;
    if (unavailable != null) throw new IllegalStateException(unavailable);
    try {
      cached = List.copyOf(enumerate());
      if (cached.isEmpty()) throw new IllegalStateException("no OpenCL device found");
      return cached;
    } catch (LinkageError e) {
      // NOTE: JOCL's own JNI library is inside its jar; what is missing on a machine without
      // OpenCL is the ICD loader it links against.
      unavailable = "libOpenCL.so not found (" + firstLine(e.getMessage()) + ")";
    } catch (CLException e) {
      unavailable =
          e.getStatus() == CL_PLATFORM_NOT_FOUND_KHR
              ? "no OpenCL platform installed"
              : "OpenCL error " + firstLine(e.getMessage());
    } catch (IllegalStateException e) {
      unavailable = e.getMessage();
    } catch (RuntimeException e) {
      unavailable = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
    }
    cached = null;
    throw new IllegalStateException(unavailable);
  }

  static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  private static List<Device> enumerate() {
    CL.setExceptionsEnabled(true);
    int[] count = new int[1];
    clGetPlatformIDs(0, null, count);
    if (count[0] == 0) throw new IllegalStateException("no OpenCL platform installed");
    cl_platform_id[] platforms = new cl_platform_id[count[0]];
    clGetPlatformIDs(platforms.length, platforms, null);
    List<Device> out = new ArrayList<>();
    for (cl_platform_id p : platforms) {
      int[] n = new int[1];
      try {
        clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
      } catch (CLException e) {
        if (e.getStatus() == CL_DEVICE_NOT_FOUND) continue;
        throw e;
      }
      cl_device_id[] ids = new cl_device_id[n[0]];
      clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
      String platformName = platformString(p, CL_PLATFORM_NAME);
      for (cl_device_id d : ids) {
        String ext = deviceString(d, CL_DEVICE_EXTENSIONS);
        out.add(
            new Device(
                out.size(),
                p,
                d,
                platformName,
                deviceString(d, CL_DEVICE_NAME).trim(),
                (deviceLong(d, CL_DEVICE_TYPE, Sizeof.cl_ulong) & CL_DEVICE_TYPE_GPU) != 0,
                (int) deviceLong(d, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint),
                (int) deviceLong(d, CL_DEVICE_MAX_CLOCK_FREQUENCY, Sizeof.cl_uint),
                deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_ulong),
                deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, Sizeof.cl_ulong),
                deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE, Sizeof.cl_ulong),
                deviceLong(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, Sizeof.size_t),
                ext.contains("cl_khr_fp64"),
                deviceString(d, CL_DEVICE_VERSION).trim()));
      }
    }
    return out;
  }

  private static String platformString(cl_platform_id p, int param) {
    long[] size = new long[1];
    clGetPlatformInfo(p, param, 0, null, size);
    byte[] b = new byte[(int) size[0]];
    clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
    return cString(b);
  }

  private static String deviceString(cl_device_id d, int param) {
    long[] size = new long[1];
    clGetDeviceInfo(d, param, 0, null, size);
    byte[] b = new byte[(int) size[0]];
    clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
    return cString(b);
  }

  // NOTE: cl_uint answers fill 4 bytes, cl_ulong and size_t 8; a zeroed long[] reads both right on
  // the little-endian machines OpenCL runs on.
  private static long deviceLong(cl_device_id d, int param, int bytes) {
    long[] v = new long[1];
    clGetDeviceInfo(d, param, bytes, Pointer.to(v), null);
    return bytes == 4 ? v[0] & 0xffffffffL : v[0];
  }

  private static String cString(byte[] b) {
    int len = 0;
    while (len < b.length && b[len] != 0) len++;
    return new String(b, 0, len, StandardCharsets.UTF_8);
  }
}
