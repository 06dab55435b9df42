package dl.autograd;

import dl.Check;
import dl.tensor.Tensor;
import java.util.Objects;

/**
 * How the autograd engine writes a tensor's graph fields (its {@code grad_fn}, its gradient)
 * without those writes being public methods of {@link Tensor}, where a student would find them next
 * to {@code backward()} and could corrupt a graph with them. {@code Tensor} registers its one
 * subclass when its class initialises; only this package can reach the registered instance and call
 * its methods.
 */
public abstract class GraphLinks {
  private static volatile GraphLinks registered;

  /** For {@code Tensor}'s nested subclass only (see {@link #register}). */
  protected GraphLinks() {}

  /** Records {@code fn} as the primitive that produced {@code t}. */
  protected abstract void attachGradFn(Tensor t, Function fn);

  /** {@code t} came from inputs that require grad, but under {@link NoGrad}. */
  protected abstract void markComputedUnderNoGrad(Tensor t);

  /**
   * Adds {@code g} to {@code t}'s gradient; {@code owned}: nothing but the engine holds {@code g},
   * so it may become the gradient without a copy.
   */
  protected abstract void accumulateGrad(Tensor t, Tensor g, boolean owned);

  /**
   * Called once, by {@code Tensor}'s static initialiser. Only a class nested in {@code Tensor} is
   * accepted, and only the first time.
   *
   * @param links the implementation
   */
  public static synchronized void register(GraphLinks links) {
    Objects.requireNonNull(links, "GraphLinks.register: links");
    if (links.getClass().getNestHost() != Tensor.class)
      throw Check.badArgument(
          "GraphLinks.register",
          "only dl.tensor.Tensor registers graph links, got %s",
          links.getClass().getName());
    if (registered != null)
      throw new IllegalStateException("GraphLinks.register: already registered");
    registered = links;
  }

  /** The registered links (loading {@code Tensor} registers them). */
  static GraphLinks get() {
    GraphLinks links = registered;
    if (links == null) {
      try {
        Class.forName(Tensor.class.getName(), true, Tensor.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("GraphLinks: dl.tensor.Tensor not found", e);
      }
      links = registered;
    }
    return links;
  }
}
