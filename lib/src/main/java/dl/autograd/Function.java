package dl.autograd;

import dl.Check;
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
  /**
   * PyTorch's in-place rule is on unless the JVM runs with {@code
   * -Ddl.autograd.versionCheck=false}. That switch exists only to measure what the rule costs
   * (ci/bench, {@code InPlaceCheckBench}): with it off, a tensor changed in place between forward
   * and backward silently gives wrong gradients again. Read once, when the first op runs.
   */
  static final boolean CHECK_VERSIONS = readVersionCheckSwitch();

  private static boolean readVersionCheckSwitch() {
    if (!"false".equalsIgnoreCase(System.getProperty("dl.autograd.versionCheck", ""))) return true;
    System.err.println(
        "dl: autograd's in-place check is OFF (-Ddl.autograd.versionCheck=false), for benchmarking"
            + " only: a tensor changed in place before backward gives wrong gradients silently");
    return false;
  }

  private Tensor[] inputs;
  private Tensor[] saved;
  private int[] savedVersions;
  private int savedOutput = -1; // which saved tensor is this node's own output, -1 if none
  private boolean released;

  /** Computes the output from the inputs. Runs with recording off. */
  protected abstract Tensor forward(Tensor... inputs);

  /**
   * Gradients of the loss w.r.t. each input, given the gradient w.r.t. the output ({@code null} =
   * none).
   */
  protected abstract Tensor[] backward(Tensor gradOutput);

  /**
   * True when {@link #backward} returns new tensors, a different one per input, and keeps none of
   * them: the engine may then make one a leaf's gradient as it is, where it would otherwise copy it
   * (PyTorch does the same when nothing else holds the gradient). False unless an op says so.
   */
  protected boolean returnsNewGradients() {
    return false;
  }

  /** Runs forward and, when any input requires a gradient, records this node in the graph. */
  public final Tensor apply(Tensor... in) {
    Tensor out;
    try (NoGrad scope = NoGrad.enter()) {
      out = forward(in);
    }
    if (saved != null) {
      for (int i = 0; i < saved.length; i++) if (saved[i] == out) savedOutput = i;
    }
    boolean record = NoGrad.isGradEnabled(), needsGraph = false, fromNoGrad = false;
    for (Tensor t : in) {
      needsGraph |= t.requiresGrad();
      fromNoGrad |= t.computedUnderNoGrad();
    }
    if (needsGraph && record) {
      inputs = in.clone(); // the caller may reuse its array
      GraphLinks.get().attachGradFn(out, this);
    } else if (needsGraph || fromNoGrad) {
      // No graph, although a parameter is upstream: remembered so backward() can say why.
      GraphLinks.get().markComputedUnderNoGrad(out);
    }
    return out;
  }

  /**
   * Keeps tensors for backward (PyTorch's {@code ctx.save_for_backward}) together with each one's
   * {@link Tensor#version()}, so backward can refuse to run on a tensor changed in place since.
   */
  protected final void save(Tensor... tensors) {
    saved = tensors;
    if (!CHECK_VERSIONS) return;
    savedVersions = new int[tensors.length];
    for (int i = 0; i < tensors.length; i++) savedVersions[i] = tensors[i].version();
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

  /**
   * The op's name as shown in {@code grad_fn=…}: the class name without the {@code Op} suffix that
   * ops sharing a name with a layer carry ({@code ReluOp} shows as {@code Relu}).
   */
  public String name() {
    String name = getClass().getSimpleName();
    return name.endsWith("Op") ? name.substring(0, name.length() - 2) : name;
  }

  final Tensor[] runBackward(Tensor gradOutput) {
    if (released) {
      throw new IllegalStateException(
          Check.message(
              "backward",
              "the graph through %s was already freed by an earlier backward(); to run backward twice, retain the graph the first time: backward(grad, true)",
              name()));
    }
    checkSavedVersions();
    return backward(gradOutput);
  }

  /**
   * PyTorch's in-place rule: a tensor saved for backward must not be modified in place before
   * backward runs, or the gradient would be computed from the new values. One int compare per saved
   * tensor.
   */
  private void checkSavedVersions() {
    if (saved == null || savedVersions == null) return; // nothing saved, or the check is off
    for (int i = 0; i < saved.length; i++) {
      int now = saved[i].version();
      if (now != savedVersions[i]) {
        throw new IllegalStateException(
            Check.message(
                "backward",
                "one of the variables needed for gradient computation has been modified by an inplace operation: %s saved %s %s, version %s, expected %s. It was changed in place (an …InPlace method, copyFrom, an optimizer step) after the forward pass; call backward() before changing it, or change a copy",
                name(),
                describeSaved(i),
                saved[i].shape(),
                now,
                savedVersions[i]));
      }
    }
  }

  private String describeSaved(int i) {
    if (i == savedOutput) return "output";
    if (inputs != null) {
      for (int k = 0; k < inputs.length; k++) {
        if (inputs[k] == saved[i]) return "input " + k;
      }
    }
    return "tensor " + i;
  }

  final Tensor[] recordedInputs() {
    return inputs;
  }

  final void release() {
    released = true;
    saved = null;
    savedVersions = null;
  }

  @Override
  public String toString() {
    return name();
  }
}
