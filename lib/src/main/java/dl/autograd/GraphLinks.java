package dl.autograd;

import dl.tensor.Tensor;
import java.util.Objects;

/**
 * How the autograd engine writes a tensor's graph fields (its {@code grad_fn}, its gradient)
 * without those writes being public methods of {@link Tensor}, where a student would find them next
 * to {@code backward()} and could corrupt a graph with them. {@code Tensor} hands its one
 * implementation to {@link #register} when its class initialises; this package is the only user.
 */
public interface GraphLinks {
  /** Records {@code fn} as the primitive that produced {@code t}. */
  void attachGradFn(Tensor t, Function fn);

  /** {@code t} came from inputs that require grad, but under {@link NoGrad}. */
  void markComputedUnderNoGrad(Tensor t);

  /** Adds {@code g} to {@code t}'s gradient. */
  void accumulateGrad(Tensor t, Tensor g);

  /**
   * Called once, by {@code Tensor}'s static initialiser. Only a class nested in {@code Tensor} is
   * accepted, and only the first time.
   */
  static void register(GraphLinks links) {
    Objects.requireNonNull(links, "GraphLinks.register: links");
    if (links.getClass().getNestHost() != Tensor.class)
      throw new IllegalArgumentException(
          "GraphLinks.register: only dl.tensor.Tensor registers graph links, got "
              + links.getClass().getName());
    synchronized (Holder.class) {
      if (Holder.links != null)
        throw new IllegalStateException("GraphLinks.register: already registered");
      Holder.links = links;
    }
  }

  /** The registered links; loading {@code Tensor} registers them. */
  static GraphLinks get() {
    GraphLinks l = Holder.links;
    if (l == null) {
      try {
        Class.forName(Tensor.class.getName(), true, Tensor.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("GraphLinks: dl.tensor.Tensor not found", e);
      }
      l = Holder.links;
    }
    return l;
  }

  /** Interfaces cannot hold mutable static state; this class does. */
  final class Holder {
    private static volatile GraphLinks links;

    private Holder() {}
  }
}
