package dl.backend;

import dl.backend.cpu.CpuBackend;

/** Which backend runs new tensors. Until the OpenCL backend lands this is always the CPU. */
public final class Backends {
  private static volatile Backend current;

  private Backends() {}

  /** The backend new tensors are allocated on. */
  public static Backend current() {
    Backend b = current;
    if (b == null) {
      synchronized (Backends.class) {
        if (current == null) current = new CpuBackend();
        b = current;
      }
    }
    return b;
  }
}
