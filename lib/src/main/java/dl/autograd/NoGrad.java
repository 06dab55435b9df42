package dl.autograd;

/**
 * A scope in which no operation is recorded for backward: evaluation, optimizer updates, and the
 * backward pass itself.
 *
 * <pre>{@code
 * try (var scope = NoGrad.enter()) {
 *   w.subInPlace(w.grad().mul(0.1));   // the update is not part of the graph
 * }
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private boolean closed;

  private NoGrad() {}

  /** Turns recording off until the returned scope is closed (scopes nest). */
  public static NoGrad enter() {
    DEPTH.get()[0]++;
    return new NoGrad();
  }

  /** True unless inside a {@link NoGrad} scope on this thread. */
  public static boolean isGradEnabled() {
    return DEPTH.get()[0] == 0;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      DEPTH.get()[0]--;
    }
  }
}
