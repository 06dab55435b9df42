package dl.nn.models;

import dl.Check;
import dl.nn.Conv2d;
import dl.nn.MaxPool2d;
import dl.nn.Module;
import dl.nn.ReLU;
import dl.nn.Sequential;
import dl.tensor.Tensor;
import java.util.List;

/**
 * The Inception module of GoogLeNet (Szegedy et al. 2015): four branches look at the same input
 * with different window sizes (1×1, 3×3, 5×5 and a 3×3 max pool) and their outputs are concatenated
 * along the channels. Before the expensive 3×3 and 5×5 convolutions a 1×1 convolution first reduces
 * the channels (the "bottleneck"), and the pool branch ends in a 1×1 projection, so the module
 * stays cheap however many channels come in. Every convolution is followed by a ReLU.
 *
 * <p>Shape: [N, in, H, W] → [N, c1 + c3 + c5 + poolProj, H, W].
 *
 * <pre>{@code
 * jshell> var m = new Inception(192, 64, 96, 128, 16, 32, 32);   // GoogLeNet's inception (3a)
 * jshell> m.forward(Tensor.zeros(1, 192, 28, 28)).shape()
 * [1,256,28,28]
 * }</pre>
 */
public final class Inception extends Module {
  private final List<Sequential> branches;
  private final int in, outChannels;
  private final String text;

  /**
   * A module with 1×1 bottlenecks: {@code c1} 1×1 filters; {@code reduce3} 1×1 then {@code c3} 3×3;
   * {@code reduce5} 1×1 then {@code c5} 5×5; 3×3 max pool then {@code poolProj} 1×1.
   */
  public Inception(int in, int c1, int reduce3, int c3, int reduce5, int c5, int poolProj) {
    this(in, c1, reduce3, c3, reduce5, c5, poolProj, true);
  }

  /**
   * The same branches without the 1×1 reductions before the 3×3 and 5×5 convolutions (which then
   * see all {@code in} channels); the pool branch keeps its projection, so the output has the same
   * shape as the module with bottlenecks and the two can be compared layer for layer.
   */
  public static Inception withoutBottlenecks(int in, int c1, int c3, int c5, int poolProj) {
    return new Inception(in, c1, 0, c3, 0, c5, poolProj, false);
  }

  private Inception(
      int in, int c1, int reduce3, int c3, int reduce5, int c5, int poolProj, boolean reduce) {
    int[] counts =
        reduce
            ? new int[] {in, c1, reduce3, c3, reduce5, c5, poolProj}
            : new int[] {in, c1, c3, c5, poolProj};
    for (int c : counts)
      if (c <= 0)
        throw Check.badArgument(
            "Inception",
            "channel counts must be positive, got in=%s, c1=%s%s, c3=%s%s, c5=%s, poolProj=%s",
            in,
            c1,
            (reduce ? ", reduce3=" + reduce3 : ""),
            c3,
            (reduce ? ", reduce5=" + reduce5 : ""),
            c5,
            poolProj);
    this.in = in;
    this.outChannels = c1 + c3 + c5 + poolProj;
    Sequential b1 = Sequential.of(conv(in, c1, 1), new ReLU());
    Sequential b3 =
        reduce
            ? Sequential.of(conv(in, reduce3, 1), new ReLU(), conv(reduce3, c3, 3), new ReLU())
            : Sequential.of(conv(in, c3, 3), new ReLU());
    Sequential b5 =
        reduce
            ? Sequential.of(conv(in, reduce5, 1), new ReLU(), conv(reduce5, c5, 5), new ReLU())
            : Sequential.of(conv(in, c5, 5), new ReLU());
    // NOTE: stride 1 and padding 1 keep the pooled maps at H×W, so all four branches can be joined.
    Sequential pool =
        Sequential.of(new MaxPool2d(3).stride(1).padding(1), conv(in, poolProj, 1), new ReLU());
    this.branches =
        List.of(
            child("branch1x1", b1),
            child("branch3x3", b3),
            child("branch5x5", b5),
            child("branchPool", pool));
    this.text =
        "Inception("
            + in
            + " -> "
            + outChannels
            + ": 1×1 "
            + c1
            + (reduce ? ", 1×1 " + reduce3 + " → 3×3 " : ", 3×3 ")
            + c3
            + (reduce ? ", 1×1 " + reduce5 + " → 5×5 " : ", 5×5 ")
            + c5
            + ", pool → 1×1 "
            + poolProj
            + ")";
  }

  /** A convolution that keeps H×W ("same" padding for the odd kernel sizes used here). */
  private static Conv2d conv(int in, int out, int k) {
    return new Conv2d(in, out, k).padding(k / 2);
  }

  /** The four branches in concatenation order: 1×1, 3×3, 5×5, pool. */
  public List<Sequential> branches() {
    return branches;
  }

  /** Channels of the output: the sum of the four branches' channels. */
  public int outChannels() {
    return outChannels;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.dim() != 4 || x.size(1) != in)
      throw Check.badArgument("Inception", "expected input [N, %s, H, W], got %s", in, x.shape());
    Tensor[] outs = new Tensor[branches.size()];
    for (int i = 0; i < outs.length; i++) outs[i] = branches.get(i).forward(x);
    return Tensor.cat(1, outs); // join the branches along the channel axis
  }

  @Override
  protected String describe() {
    return text;
  }
}
