package dl.backend;

/**
 * A backend's own batch-norm kernels, offered on top of {@link Backend}: per-channel loops over x
 * [N, C, …] with [C] vectors (contiguous) for the channel constants. The op {@code
 * dl.autograd.ops.BatchNormOp} states batch norm in ordinary tensor ops, about twenty passes over
 * the activations per training step; these compute the same sums and affine maps in four. Optional:
 * a backend without it runs the op's plain tensor code. A backend that offers it handles every
 * operand.
 */
public interface FusedBatchNorm {

  /**
   * Batch norm's statistics: {@code mean[c]} and the biased variance {@code var[c]} of x over every
   * axis but 1.
   */
  void channelMoments(View x, View mean, View var);

  /**
   * {@code out = (x − center[c]) · scale[c] + shift[c]}, plus {@code g · gScale[c]} when {@code g}
   * is not null: batch norm's forward, and with g its input gradient.
   */
  void channelAffine(View x, View center, View scale, View shift, View g, View gScale, View out);

  /**
   * Batch norm's backward sums over every axis but 1: {@code sumG[c] = Σ g} and {@code sumGX[c] = Σ
   * g · (x − center[c])}.
   */
  void channelGradSums(View g, View x, View center, View sumG, View sumGX);
}
