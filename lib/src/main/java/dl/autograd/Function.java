package dl.autograd;

import dl.tensor.Tensor;

/**
 * One differentiable primitive: {@link #forward} computes the output, {@link #backward} turns the
 * gradient of the loss with respect to that output into gradients with respect to each input (the
 * chain rule, one node at a time).
 *
 * <p>A subclass keeps what backward needs with {@link #save}; the graph drops it after backward so
 * a training loop does not keep every step's activations alive. Backward may return a gradient of a
 * broadcast shape: the engine sums it back to the input's shape.
 */
public abstract class Function {
  private Tensor[] inputs;
  private Tensor[] saved;
  private boolean released;

  /** Computes the output from the inputs. Runs with recording off. */
  protected abstract Tensor forward(Tensor... inputs);

  /**
   * Gradients of the loss w.r.t. each input, given the gradient w.r.t. the output ({@code null} =
   * none).
   */
  protected abstract Tensor[] backward(Tensor gradOutput);

  /** Runs forward and, when any input requires a gradient, records this node in the graph. */
  public final Tensor apply(Tensor... in) {
    Tensor out;
    try (NoGrad scope = NoGrad.enter()) {
      out = forward(in);
    }
    if (NoGrad.isGradEnabled()) {
      for (Tensor t : in) {
        if (t.requiresGrad()) {
          inputs = in.clone(); // the caller may reuse its array
          out.attachGradFn(this);
          break;
        }
      }
    }
    return out;
  }

  /** Keeps tensors for backward (PyTorch's {@code ctx.save_for_backward}). */
  protected final void save(Tensor... tensors) {
    saved = tensors;
  }

  /** The {@code i}-th tensor passed to {@link #save}. */
  protected final Tensor saved(int i) {
    return saved[i];
  }

  /** True if input {@code i} needs a gradient, so backward can skip work for constants. */
  protected final boolean needsGrad(int i) {
    return inputs != null && inputs[i].requiresGrad();
  }

  /** The inputs this node was applied to (empty once the graph is freed). */
  public final Tensor[] inputs() {
    return inputs == null ? new Tensor[0] : inputs.clone();
  }

  /** The op's name as shown in {@code grad_fn=…}. */
  public String name() {
    return getClass().getSimpleName();
  }

  final Tensor[] runBackward(Tensor gradOutput) {
    if (released) {
      throw new IllegalStateException(
          "backward: the graph through "
              + name()
              + " was already freed by an earlier backward(); to run backward twice, retain the graph the first time: backward(grad, true)");
    }
    return backward(gradOutput);
  }

  final Tensor[] recordedInputs() {
    return inputs;
  }

  final void release() {
    released = true;
    saved = null;
  }

  @Override
  public String toString() {
    return name();
  }
}
