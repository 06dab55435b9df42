package dl.backend;

import dl.backend.cpu.CpuBackend;

/**
 * Which backend runs new tensors: the CPU backend unless {@link #use} picks another. Tensors keep
 * the backend they were created on.
 */
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

  /** Makes {@code backend} the one new tensors are created on; returns the previous one. */
  public static synchronized Backend use(Backend backend) {
    Backend previous = current();
    current = backend;
    return previous;
  }
}
