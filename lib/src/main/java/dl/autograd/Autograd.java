package dl.autograd;

import dl.Check;
import dl.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation: visit the graph from the output back to the leaves in reverse
 * topological order, so every node has received the gradient from all of its consumers (fan-out,
 * shared sub-expressions) before it passes gradients on.
 */
public final class Autograd {
  private Autograd() {}

  /**
   * Accumulates d(root)/d(leaf) · seed into every leaf's {@code grad()}.
   *
   * @param seed the gradient of the final quantity w.r.t. {@code root}; same shape as root
   * @param retainGraph keep the graph so backward can run through it again
   */
  public static void backward(Tensor root, Tensor seed, boolean retainGraph) {
    if (!root.requiresGrad() && root.computedUnderNoGrad()) {
      throw new IllegalStateException(
          Check.message(
              "backward",
              "tensor of shape %s was computed inside a NoGrad scope (NoGrad.enter() or evaluation), so no graph was recorded even though its inputs require grad; compute it outside NoGrad",
              root.shape()));
    }
    if (!root.requiresGrad()) {
      throw new IllegalStateException(
          Check.message(
              "backward",
              "tensor of shape %s does not require grad; call requiresGrad(true) on an input before computing it",
              root.shape()));
    }
    if (!seed.shape().equals(root.shape())) {
      throw Check.badArgument(
          "backward",
          "gradient shape %s does not match tensor shape %s",
          seed.shape(),
          root.shape());
    }
    List<Tensor> order = topologicalOrder(root);
    Map<Tensor, Tensor> grads = new IdentityHashMap<>();
    grads.put(root, seed.to(root.dtype()));
    // Pending gradients that nothing outside this method holds: a leaf may keep one uncopied.
    Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    try (NoGrad scope = NoGrad.enter()) {
      for (Tensor t : order) {
        Tensor g = grads.remove(t);
        if (g == null) continue;
        boolean ownedG = owned.remove(g);
        Function fn = t.gradFn();
        if (fn == null || t.retainsGrad()) GraphLinks.get().accumulateGrad(t, g, ownedG);
        if (fn == null) continue;
        Tensor[] inputs = fn.recordedInputs();
        if (inputs == null) {
          throw new IllegalStateException(
              Check.message("backward", "the graph through %s was already freed", fn.name()));
        }
        Tensor[] inputGrads = fn.runBackward(g);
        for (int i = 0; i < inputs.length; i++) {
          Tensor input = inputs[i];
          if (!input.requiresGrad() || inputGrads[i] == null) continue;
          // Broadcasting copied the input along some axes; its gradient is the sum over those
          // copies.
          Tensor gi = inputGrads[i].sumToShape(input.shape()).to(input.dtype());
          Tensor before = grads.get(input);
          if (before == null) {
            grads.put(input, gi);
            if (fn.returnsNewGradients()) owned.add(gi);
          } else {
            owned.remove(before);
            Tensor sum = before.add(gi); // made here, so held nowhere else
            grads.put(input, sum);
            owned.add(sum);
          }
        }
        if (!retainGraph) fn.release();
      }
    }
  }

  /** Tensors reachable from {@code root}, each after all tensors computed from it (root first). */
  static List<Tensor> topologicalOrder(Tensor root) {
    List<Tensor> postOrder = new ArrayList<>();
    Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    // Iterative depth-first search: deep networks would overflow the Java stack with recursion.
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, 0});
    visited.add(root);
    while (!stack.isEmpty()) {
      Object[] frame = stack.peek();
      Tensor t = (Tensor) frame[0];
      int next = (Integer) frame[1];
      Tensor[] inputs = t.gradFn() == null ? null : t.gradFn().recordedInputs();
      if (inputs != null && next < inputs.length) {
        frame[1] = next + 1;
        Tensor child = inputs[next];
        if (child.requiresGrad() && visited.add(child)) stack.push(new Object[] {child, 0});
      } else {
        stack.pop();
        postOrder.add(t);
      }
    }
    Collections.reverse(postOrder);
    return postOrder;
  }
}
