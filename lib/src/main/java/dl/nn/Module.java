package dl.nn;

import dl.Check;
import dl.DType;
import dl.backend.Backend;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or a model: holds named parameters and child modules, and maps an input tensor to an
 * output in {@link #forward}. Modules never compute gradients themselves: forward is built from
 * differentiable tensor ops, so backward comes from autograd.
 *
 * <pre>{@code
 * jshell> var model = Sequential.of(new Linear(784, 200), new ReLU(), new Linear(200, 10));
 * jshell> model.namedParameters().keySet()
 * $2 ==> [0.weight, 0.bias, 2.weight, 2.bias]
 * }</pre>
 */
public abstract class Module {
  private final Map<String, Tensor> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private boolean training = true;

  /** Computes the output. Shapes are documented on each layer. */
  public abstract Tensor forward(Tensor input);

  /**
   * Registers a trainable parameter under {@code name} and returns it (now requiring grad). The
   * layer may keep the returned tensor in a field: it stays the same object for the module's life,
   * since {@link #to(DType)}, {@link #to(Backend)} and {@link #loadStateDict} change it in place.
   */
  protected final Tensor param(String name, Tensor initial) {
    checkName(name);
    Tensor p = initial.isLeaf() ? initial : initial.detach();
    p.requiresGrad(true);
    parameters.put(name, p);
    return p;
  }

  /** Registers state that is saved and loaded but not trained (e.g. batch norm's running mean). */
  protected final Tensor buffer(String name, Tensor initial) {
    checkName(name);
    buffers.put(name, initial);
    return initial;
  }

  /** Registers a child module under {@code name} and returns it. */
  protected final <M extends Module> M child(String name, M module) {
    checkName(name);
    children.put(name, module);
    return module;
  }

  /**
   * Unregisters a parameter, for a layer whose setting drops it ({@code Conv2d.bias(false)}). The
   * layer's field must forget it too: a parameter lives in this map and in one field, and both
   * always hold the same tensor, which nothing here ever swaps for another.
   */
  protected final void removeParameter(String name) {
    if (parameters.remove(name) == null)
      throw Check.badArgument(getClass().getSimpleName(), "no parameter named '%s'", name);
  }

  private void checkName(String name) {
    if (name.isEmpty() || name.contains("."))
      throw Check.badArgument("module", "name '%s' must be non-empty without '.'", name);
    if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
      throw Check.badArgument(getClass().getSimpleName(), "name '%s' registered twice", name);
    }
  }

  /** Every parameter of this module and its children, keyed by dotted path ({@code "0.weight"}). */
  public final Map<String, Tensor> namedParameters() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, false);
    return Collections.unmodifiableMap(out);
  }

  /** The parameters, in registration order (what an optimizer updates). */
  public final List<Tensor> parameters() {
    return new ArrayList<>(namedParameters().values());
  }

  /** Parameters and buffers by dotted path: everything {@code save} writes. */
  public final Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, true);
    return Collections.unmodifiableMap(out);
  }

  private void collect(String prefix, Map<String, Tensor> out, boolean withBuffers) {
    parameters.forEach((k, v) -> out.put(prefix + k, v));
    if (withBuffers) buffers.forEach((k, v) -> out.put(prefix + k, v));
    children.forEach((k, m) -> m.collect(prefix + k + ".", out, withBuffers));
  }

  /**
   * Copies values from {@code state} into this module's parameters and buffers. Every key must be
   * present with the same shape and dtype; the error lists what differs.
   */
  public final void loadStateDict(Map<String, Tensor> state) {
    Map<String, Tensor> mine = stateDict();
    List<String> problems = new ArrayList<>();
    for (var e : mine.entrySet()) {
      Tensor given = state.get(e.getKey());
      if (given == null) problems.add("missing '" + e.getKey() + "'");
      else if (!given.shape().equals(e.getValue().shape())) {
        problems.add(
            String.format(
                "'%s': expected shape %s, got %s",
                e.getKey(), e.getValue().shape(), given.shape()));
      } else if (given.dtype() != e.getValue().dtype()) {
        problems.add(
            String.format(
                "'%s': expected dtype %s, got %s",
                e.getKey(), e.getValue().dtype(), given.dtype()));
      }
    }
    for (String k : state.keySet())
      if (!mine.containsKey(k)) problems.add("unexpected '" + k + "'");
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "loadStateDict into " + getClass().getSimpleName() + ": " + String.join("; ", problems));
    }
    try (var scope = dl.autograd.NoGrad.enter()) {
      for (var e : mine.entrySet()) e.getValue().copyFrom(state.get(e.getKey()));
    }
  }

  /** Children by name, in registration order. */
  public final Map<String, Module> children() {
    return Collections.unmodifiableMap(children);
  }

  /** Training mode: dropout drops, batch norm uses batch statistics. Returns this. */
  public Module train() {
    return train(true);
  }

  public Module train(boolean mode) {
    training = mode;
    children.values().forEach(c -> c.train(mode));
    return this;
  }

  /** Evaluation mode (the opposite of {@link #train()}). Returns this. */
  public Module eval() {
    return train(false);
  }

  public boolean isTraining() {
    return training;
  }

  /** Clears every parameter's gradient. */
  public void zeroGrad() {
    parameters().forEach(Tensor::zeroGrad);
  }

  /** Total number of trainable scalars. */
  public long parameterCount() {
    return parameters().stream().mapToLong(Tensor::numel).sum();
  }

  /**
   * Converts every parameter and buffer to {@code dtype} in place (float64 for gradient checks):
   * like {@link #to(Backend)}, the tensors keep their identity, so an optimizer made before still
   * updates the tensors the layers compute with. Returns this.
   *
   * <pre>{@code
   * jshell> var layer = new Linear(3, 2);
   * jshell> var w = layer.weight();
   * jshell> layer.to(DType.FLOAT64).namedParameters().get("weight") == w
   * $3 ==> true
   * }</pre>
   */
  public Module to(DType dtype) {
    parameters.values().forEach(p -> p.toInPlace(dtype));
    buffers.values().forEach(b -> b.toInPlace(dtype));
    children.values().forEach(c -> c.to(dtype));
    return this;
  }

  /**
   * Moves every parameter and buffer to {@code device} in place (the tensors keep their identity,
   * so an optimizer made before still updates them). Returns this.
   *
   * <pre>{@code
   * jshell> var model = new LeNet5().to(Backends.opencl());
   * }</pre>
   */
  public Module to(Backend device) {
    parameters.values().forEach(p -> p.toInPlace(device));
    buffers.values().forEach(b -> b.toInPlace(device));
    children.values().forEach(c -> c.to(device));
    return this;
  }

  /** One line describing this layer's settings, e.g. {@code Linear(784 -> 200)}. */
  protected String describe() {
    return getClass().getSimpleName() + "()";
  }

  /** The module tree with parameter counts. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    render(sb, "", "");
    return sb.toString().stripTrailing();
  }

  private void render(StringBuilder sb, String name, String indent) {
    long own = parameters.values().stream().mapToLong(Tensor::numel).sum();
    sb.append(indent).append(name.isEmpty() ? "" : "(" + name + ") ").append(describe());
    if (children.isEmpty()) {
      if (own > 0) sb.append("  ").append(String.format("%,d", own)).append(" params");
    } else {
      sb.append("  ").append(String.format("%,d", parameterCount())).append(" params total");
    }
    sb.append('\n');
    children.forEach((k, c) -> c.render(sb, k, indent + "  "));
  }
}
