package dl.autograd.ops;

import dl.autograd.Function;
import dl.autograd.NoGrad;
import dl.tensor.Fused;
import dl.tensor.Tensor;
import java.util.Optional;

/**
 * Batch normalisation over axis 1 of x [N, C, …], with the channel's mean μ and s = 1/√(σ² + ε)
 * given: x̂ = (x − μ)·s, y = γ·x̂ + β. Inputs: x, γ [C], β [C].
 *
 * <p>Backward, with M values per channel and Σ summing over every axis but 1: ∂β = Σ g, ∂γ = Σ
 * g·x̂, and for x
 *
 * <ul>
 *   <li>in training, where μ and σ² were computed from this x ({@link #moments}): ∂x = (γs/M)·(M·g
 *       − Σ g − x̂·Σ g·x̂);
 *   <li>in evaluation, where they are the running statistics (constants): ∂x = γs·g.
 * </ul>
 *
 * <p>NOTE: its own primitive for speed, not stability. Written in tensor ops, as below, one
 * batch-norm layer costs about twenty passes over the activations per training step (as autograd
 * through sub, div, mul, add and the reductions would); a backend's fused kernels ({@link
 * dl.backend.FusedBatchNorm}, the CPU's) compute the same in four: statistics, normalise, two sums
 * and ∂x in backward. Where the backend offers them, the op uses them; BatchNormPathsTest holds the
 * two paths to the same results, and the op table checks the op against the composed version.
 */
public final class BatchNormOp extends Function {
  private final Tensor mean;
  private final Tensor invStd;
  private final boolean training;
  private final boolean fused;

  /** {@code mean} and {@code invStd} are [C]; {@code training} says whether they came from x. */
  public BatchNormOp(Tensor mean, Tensor invStd, boolean training) {
    this(mean, invStd, training, true);
  }

  /** With {@code fused} false, always the plain path (for tests that compare the two). */
  BatchNormOp(Tensor mean, Tensor invStd, boolean training, boolean fused) {
    this.mean = mean;
    this.invStd = invStd;
    this.training = training;
    this.fused = fused;
  }

  /**
   * The batch's statistics per channel of x [N, C, …]: {μ, σ²}, the mean and the biased variance
   * over every axis but 1, each [C]. Records no graph: {@link BatchNormOp}'s backward in training
   * already accounts for μ and σ² depending on x.
   */
  public static Tensor[] moments(Tensor x) {
    return moments(x, true);
  }

  static Tensor[] moments(Tensor x, boolean fused) {
    try (NoGrad scope = NoGrad.enter()) {
      Optional<Tensor[]> fast = fused ? Fused.channelMoments(x) : Optional.empty();
      if (fast.isPresent()) return fast.get();
      int[] axes = allButChannels(x);
      return new Tensor[] {
        x.mean(axes, false).detach(), x.var(axes, false, false).detach() // biased: divides by M
      };
    }
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor x = in[0], gamma = in[1], beta = in[2];
    // mean is the running mean itself in evaluation: saved so a later in-place update of the
    // running statistics before backward is caught like any other in-place change.
    save(x, gamma, mean, invStd);
    Optional<Tensor> fast =
        fused
            ? Fused.channelAffine(x, mean, gamma.mul(invStd), beta, null, null)
            : Optional.empty();
    if (fast.isPresent()) return fast.get();

    Tensor xHat = normalized(x); // x̂ = (x − μ)·s
    return xHat.mul(channels(gamma, x)).add(channels(beta, x)); // y = γ·x̂ + β
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor x = saved(0), gamma = saved(1);
    if (fused) {
      Optional<Tensor[]> fast = fusedBackward(g, x, gamma);
      if (fast.isPresent()) return fast.get();
    }
    int[] overM = allButChannels(x); // Σ sums over these axes, M values per channel
    Tensor xHat = normalized(x);
    Tensor dBeta = g.sum(overM, false); // ∂β = Σ g
    Tensor dGamma = g.mul(xHat).sum(overM, false); // ∂γ = Σ g·x̂
    Tensor k = channels(gamma.mul(invStd), x); // γs
    Tensor dx;
    if (training) {
      double m = (double) x.numel() / x.size(1);
      // ∂x = (γs/M)·(M·g − Σ g − x̂·Σ g·x̂)
      dx = g.mul(m).sub(channels(dBeta, x)).sub(xHat.mul(channels(dGamma, x))).mul(k.div(m));
    } else {
      dx = g.mul(k); // ∂x = γs·g
    }
    return new Tensor[] {dx, dGamma, dBeta};
  }

  /** ∂x, ∂γ and ∂β are new tensors, kept nowhere: a leaf x may take ∂x without a copy. */
  @Override
  protected boolean returnsNewGradients() {
    return true;
  }

  /** x̂ = (x − μ)·s. */
  private Tensor normalized(Tensor x) {
    return x.sub(channels(mean, x)).mul(channels(invStd, x));
  }

  /** A [C] vector as [1, C, 1, …], to broadcast over x's other axes, in x's dtype. */
  private static Tensor channels(Tensor v, Tensor x) {
    int[] shape = new int[x.dim()];
    java.util.Arrays.fill(shape, 1);
    shape[1] = v.numel();
    return v.to(x.dtype()).reshape(shape);
  }

  /** Every axis of x but the channel axis 1. */
  private static int[] allButChannels(Tensor x) {
    int[] axes = new int[x.dim() - 1];
    axes[0] = 0;
    for (int i = 2; i < x.dim(); i++) axes[i - 1] = i;
    return axes;
  }

  /**
   * The same backward with the backend's fused per-channel kernels: both sums in one pass, then ∂x
   * in one, as ∂x = k·g − k·Σg/M − k·s·(x − μ)·Σ(g·x̂)/M with k = γs.
   */
  private Optional<Tensor[]> fusedBackward(Tensor g, Tensor x, Tensor gamma) {
    Optional<Tensor[]> sums = Fused.channelGradSums(g, x, mean); // {Σ g, Σ g·(x − μ)}
    if (sums.isEmpty()) return Optional.empty();
    Tensor sumG = sums.get()[0];
    Tensor dGamma = sums.get()[1].mul(invStd); // Σ g·x̂
    Tensor k = gamma.mul(invStd); // γs
    Tensor dx;
    if (training) {
      double m = (double) x.numel() / x.size(1);
      Tensor scaleX = k.mul(invStd).mul(dGamma).div(-m);
      Tensor shift = k.mul(sumG).div(-m);
      dx = Fused.channelAffine(x, mean, scaleX, shift, g, k).orElseThrow();
    } else {
      Tensor zero = Tensor.zerosLike(k);
      dx = Fused.channelAffine(x, mean, zero, zero, g, k).orElseThrow();
    }
    return Optional.of(new Tensor[] {dx, dGamma, sumG});
  }
}
