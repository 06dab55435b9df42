package dl.viz;

import dl.Check;
import dl.nn.Dropout;
import dl.nn.Module;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.Map;

/**
 * Drawings of how things are computed, generated from the real objects so they always match the
 * code: the graph autograd recorded, a kernel sliding over an input, dropout masks, receptive
 * fields and whole architectures. Each returns a {@link Figure}, shown inline when it is a cell's
 * value.
 *
 * <pre>{@code
 * jshell> Diagrams.architecture(new LeNet5(), 1, 28, 28)           // boxes with shapes and counts
 * jshell> Diagrams.computationGraph(loss, model.namedParameters()) // what backward() will walk
 * jshell> Diagrams.slidingKernel(5, 3, 2, 1, 1)                    // 5×5 input, 3×3 kernel, stride 2, padding 1
 * }</pre>
 */
public final class Diagrams {
  private Diagrams() {}

  /**
   * The computation graph autograd recorded for {@code result}: one box per tensor (the weights and
   * inputs it was computed from at the top, each operation's result below its arguments, {@code
   * result} at the bottom, outlined thickly), with its shape.
   */
  public static Figure computationGraph(Tensor result) {
    return new GraphDiagram(result, Map.of()).figure();
  }

  /**
   * {@link #computationGraph(Tensor)} with names for some tensors, e.g. {@code
   * model.namedParameters()} or {@code Map.of("x", x, "W1", w1)}.
   */
  public static Figure computationGraph(Tensor result, Map<String, Tensor> names) {
    return new GraphDiagram(result, names).figure();
  }

  /**
   * A {@code kernel}×{@code kernel} kernel sliding over a square {@code input}×{@code input} input
   * with the given stride, zero padding and dilation: one panel per output position, with the
   * padded input (padding hatched), the kernel's taps, the window it spans and the output cell it
   * produces. Shown by default: outputs (0, 0), (0, 1), (1, 0) and the last one.
   *
   * @param positions output cells to show as {row, column}, at most 6; none for the default
   */
  public static Figure slidingKernel(
      int input, int kernel, int stride, int padding, int dilation, int[]... positions) {
    return new KernelDiagram(input, kernel, stride, padding, dilation, positions).figure();
  }

  /**
   * Dropout masks as thinned networks: a small network drawn whole, then once per row of {@code
   * masks} with the dropped hidden units (value 0) crossed out and their connections removed. Pass
   * what a {@link Dropout} in training mode makes of ones, e.g. {@code drop.forward(Tensor.ones(4,
   * 12))}: kept units then show the 1/(1 − p) they are scaled by.
   *
   * <p>Shape: masks [samples, units] (up to 8 × 24) or [units].
   */
  public static Figure dropout(Tensor masks) {
    return new DropoutDiagram(masks).figure();
  }

  /**
   * {@link #dropout(Tensor)} for {@code samples} masks of {@code units} units drawn by a {@link
   * Dropout} with probability {@code p} and its own generator seeded with {@code seed}.
   */
  public static Figure dropout(int samples, int units, double p, long seed) {
    if (samples < 1 || units < 1)
      throw Check.badArgument(
          "dropout", "need at least one sample and one unit, got %s × %s", samples, units);
    Dropout drop = new Dropout(p).rng(new Rng(seed));
    drop.train();
    return dropout(drop.forward(Tensor.ones(samples, units)));
  }

  /**
   * How the receptive field of one unit grows through a stack of convolutions and poolings: the
   * centre unit of the stack's last windowed layer, and the units and input pixels it depends on in
   * every layer below, with each layer's field and jump computed from its kernel, stride, padding
   * and dilation. Layers that act on each position alone (ReLU, batch norm) are skipped; the walk
   * stops at the first layer that is not a window (Flatten, Linear).
   *
   * @param stack a {@link dl.nn.Sequential} (nested ones are fine), e.g. {@code net.features()}
   * @param inputShape one image, [channels, height, width]
   */
  public static Figure receptiveField(Module stack, int... inputShape) {
    return new ReceptiveFieldDiagram(stack, inputShape).figure();
  }

  /**
   * The architecture of {@code module} as boxes, one per layer, with output shapes and parameter
   * counts, from one forward pass on a random example of {@code inputShape} (without the batch
   * axis). Blocks are framed with their names; a residual block's skip is drawn as a bypass edge
   * into a ⊕, and branches that are concatenated (Inception) side by side. ReLU, batch norm and
   * dropout are written into the box of the layer they follow. The module is left as it was
   * (training mode included).
   *
   * <pre>{@code
   * jshell> Diagrams.architecture(ResNet.small(1, 10, 1), 1, 28, 28)
   * }</pre>
   */
  public static Figure architecture(Module module, int... inputShape) {
    return new ArchitectureDiagram(module, inputShape).figure();
  }

  /**
   * {@link #architecture(Module, int...)} titled {@code name} instead of the module's own
   * description (a plain {@link dl.nn.Sequential} would be called just "Sequential").
   */
  public static Figure architecture(String name, Module module, int... inputShape) {
    return new ArchitectureDiagram(name, module, inputShape).figure();
  }
}
