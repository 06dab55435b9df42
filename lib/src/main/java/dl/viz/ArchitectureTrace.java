package dl.viz;

import dl.Check;
import dl.autograd.NoGrad;
import dl.nn.Module;
import dl.nn.Sequential;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import dl.viz.ArchitectureDiagram.Box;
import dl.viz.ArchitectureDiagram.Branches;
import dl.viz.ArchitectureDiagram.Chain;
import dl.viz.ArchitectureDiagram.Frame;
import dl.viz.ArchitectureDiagram.Part;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds how a module wires its children, for {@link ArchitectureDiagram}: runs it on one example
 * and tries the usual wirings (a chain, a residual block, branches added or concatenated) until one
 * reproduces the module's output exactly, then returns the matching parts of the drawing.
 */
final class ArchitectureTrace {
  private static final long SEED = 0;

  private ArchitectureTrace() {}

  /**
   * The top-level parts of {@code module}'s diagram, the input box first, found by running it (in
   * evaluation mode, without a graph) on one random example of {@code shape}.
   *
   * @param shape one example's shape, without the batch axis
   */
  static List<Part> layers(Module module, int[] shape) {
    if (module == null) throw new IllegalArgumentException("architecture: the module is null");
    if (shape == null || shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
      throw Check.badArgument(
          "architecture",
          "expected the shape of one example without the batch axis, e.g. 1, 28, 28; got %s",
          Arrays.toString(shape));
    }
    int[] batched = new int[shape.length + 1];
    batched[0] = 1;
    System.arraycopy(shape, 0, batched, 1, shape.length);
    // NOTE: a fixed generator of our own, so drawing never moves the global random stream
    Tensor x = onDeviceOf(module, Tensor.randn(new Rng(SEED), batched));
    Map<Module, Boolean> modes = new IdentityHashMap<>();
    remember(module, modes);
    module.eval(); // dropout off and batch norm on its running statistics: deterministic
    List<Part> parts = new ArrayList<>();
    Box in = new Box("input", x.shape(), 0, true, false);
    parts.add(in);
    try (NoGrad scope = NoGrad.enter()) {
      Traced t;
      try {
        t = trace(module, x, true);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            Check.message(
                "architecture",
                "%s cannot take an input of shape %s (one example of shape %s): %s",
                describe(module),
                x.shape(),
                Arrays.toString(shape),
                e.getMessage()),
            e);
      }
      if (t.part instanceof Chain c) parts.addAll(c.parts);
      else parts.add(t.part);
    } finally {
      restore(module, modes);
    }
    return fold(parts);
  }

  private record Traced(Part part, Tensor out) {}

  private static Traced trace(Module m, Tensor x, boolean root) {
    if (m.children().isEmpty()) {
      Tensor y = m.forward(x);
      Box box = new Box(describe(m), y.shape(), m.parameterCount(), false, false);
      box.foldable =
          y.shape().equals(x.shape()) && m.parameters().stream().allMatch(w -> w.dim() <= 1);
      return new Traced(box, y);
    }
    if (m instanceof Sequential s) {
      List<Part> parts = new ArrayList<>();
      Tensor y = x;
      for (int i = 0; i < s.size(); i++) {
        Traced t = trace(s.get(i), y, false);
        parts.add(framed(null, s.get(i), t.part, s.size() == 1));
        y = t.out;
      }
      return new Traced(new Chain(fold(parts)), y);
    }
    Tensor expected = m.forward(x);
    List<Module> children = new ArrayList<>(m.children().values());
    List<String> names = new ArrayList<>(m.children().keySet());
    Map<Module, Traced> onInput = new LinkedHashMap<>();
    // 1. a chain of the children, in the order they were registered
    ChainTrace chain = chain(children, x, onInput);
    if (chain != null && same(chain.out, expected)) {
      return new Traced(new Chain(fold(framedAll(names, children, chain.parts))), expected);
    }
    // 2. a residual block: the children in a chain, plus the input
    if (chain != null && chain.out.shape().equals(x.shape())) {
      Tensor sum = chain.out.add(x);
      for (boolean relu : new boolean[] {false, true}) {
        if (same(relu ? sum.relu() : sum, expected)) {
          Part main = new Chain(fold(chain.parts));
          return new Traced(
              frame(
                  m, root, new Branches(Arrays.asList(main, null), false, relu, expected.shape())),
              expected);
        }
      }
    }
    // 3. branches side by side on the same input, added or concatenated
    if (children.size() >= 2) {
      List<Traced> outs = new ArrayList<>();
      for (Module c : children) {
        Traced t = onInput.containsKey(c) ? onInput.get(c) : tryTrace(c, x);
        if (t == null) break;
        outs.add(t);
      }
      if (outs.size() == children.size()) {
        Tensor[] ys = outs.stream().map(Traced::out).toArray(Tensor[]::new);
        for (boolean concat : new boolean[] {false, true}) {
          Tensor merged = concat ? cat(ys) : add(ys);
          if (merged == null) continue;
          for (boolean relu : new boolean[] {false, true}) {
            if (same(relu ? merged.relu() : merged, expected)) {
              List<Part> branches = new ArrayList<>();
              for (Traced t : outs) branches.add(t.part);
              if (!concat)
                branches.sort(
                    (a, b) ->
                        ArchitectureDiagram.boxes(b)
                            - ArchitectureDiagram.boxes(a)); // main path first
              return new Traced(
                  frame(m, root, new Branches(branches, concat, relu, expected.shape())), expected);
            }
          }
        }
      }
    }
    // 4. give up: one box, honestly marked
    Box opaque = new Box(describe(m), expected.shape(), m.parameterCount(), false, true);
    opaque.lines.add("(wiring of its " + children.size() + " children not recognised)");
    return new Traced(opaque, expected);
  }

  /** The children's parts, one per child, and the last child's output. */
  private record ChainTrace(List<Part> parts, Tensor out) {}

  /** The children applied one after another to x, or null if that fails. */
  private static ChainTrace chain(List<Module> children, Tensor x, Map<Module, Traced> onInput) {
    List<Part> parts = new ArrayList<>();
    Tensor y = x;
    for (int i = 0; i < children.size(); i++) {
      Traced t = tryTrace(children.get(i), y);
      if (t == null) return null;
      if (i == 0) onInput.put(children.get(0), t);
      parts.add(t.part);
      y = t.out;
    }
    return new ChainTrace(parts, y);
  }

  private static Traced tryTrace(Module m, Tensor x) {
    try {
      return trace(m, x, false);
    } catch (RuntimeException e) {
      return null; // this wiring does not fit; the caller tries the next
    }
  }

  private static List<Part> framedAll(List<String> names, List<Module> children, List<Part> parts) {
    List<Part> out = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++)
      out.add(framed(names.get(i), children.get(i), parts.get(i), children.size() == 1));
    return out;
  }

  /**
   * A composite child in a chain gets a frame with its name ("features: Sequential"), unless it is
   * its parent's only child.
   */
  private static Part framed(String name, Module child, Part part, boolean onlyChild) {
    if (child.children().isEmpty() || onlyChild || part instanceof Frame) return part;
    String label = (name == null ? "" : name + ": ") + describe(child);
    return new Frame(label + "   " + Sketch.count(child.parameterCount()) + " params", part);
  }

  private static Part frame(Module m, boolean root, Part inside) {
    if (root) return inside;
    return new Frame(describe(m) + "   " + Sketch.count(m.parameterCount()) + " params", inside);
  }

  private static boolean same(Tensor a, Tensor b) {
    return a.shape().equals(b.shape()) && a.allClose(b, 1e-4, 1e-5);
  }

  private static Tensor add(Tensor[] ys) {
    Tensor s = ys[0];
    for (int i = 1; i < ys.length; i++) {
      if (!ys[i].shape().equals(s.shape())) return null;
      s = s.add(ys[i]);
    }
    return s;
  }

  private static Tensor cat(Tensor[] ys) {
    try {
      return Tensor.cat(1, ys);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Writes each layer that keeps the shape and has at most per-channel weights into the box before
   * it: an activation, a normalisation or a dropout is part of the layer it follows.
   */
  static List<Part> fold(List<Part> parts) {
    List<Part> out = new ArrayList<>();
    for (Part p : parts) {
      Part prev = out.isEmpty() ? null : out.get(out.size() - 1);
      if (p instanceof Box b
          && b.foldable
          && prev instanceof Box a
          && !a.input
          && !a.opaque
          && a.out.equals(b.out)) {
        if (a.lines.size() == 1) a.lines.add("+ " + b.lines.get(0));
        else a.lines.set(1, a.lines.get(1) + " + " + b.lines.get(0));
        a.params += b.params;
        continue;
      }
      out.add(p);
    }
    return out;
  }

  static String describe(Module m) {
    String first = m.toString().lines().findFirst().orElse(m.getClass().getSimpleName());
    // NOTE: Module#toString appends "  N params" to a layer's description; the boxes show counts
    // on a line of their own.
    return compact(first.replaceAll("\\s+[\\d,]+ params( total)?$", ""));
  }

  /**
   * A layer's description made shorter for a box: "Conv2d(1 -> 6, kernel 5x5, padding 2x2)" becomes
   * "Conv2d(1 → 6, 5×5, padding 2)".
   */
  static String compact(String s) {
    return s.replaceAll("\\(\\)$", "")
        .replace(" -> ", " → ")
        .replaceAll("(stride|padding|dilation) (\\d+)x\\2\\b", "$1 $2")
        .replaceAll("kernel (\\d+)x(\\d+)", "$1×$2")
        .replaceAll("(\\d+)x(\\d+)", "$1×$2");
  }

  /** {@code x} on the device of the module's weights (a model moved to OpenCL stays there). */
  static Tensor onDeviceOf(Module m, Tensor x) {
    List<Tensor> weights = m.parameters();
    return weights.isEmpty() ? x : x.to(weights.get(0).device());
  }

  static void remember(Module m, Map<Module, Boolean> modes) {
    modes.put(m, m.isTraining());
    for (Module c : m.children().values()) remember(c, modes);
  }

  /** Parents first, since train(mode) also sets every child. */
  static void restore(Module m, Map<Module, Boolean> modes) {
    m.train(modes.get(m));
    for (Module c : m.children().values()) restore(c, modes);
  }
}
