package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * Batch normalisation over axis 1 of x [N, C, …], with the channel's mean μ and s = 1/√(σ² + ε)
 * given: x̂ = (x − μ)·s, y = γ·x̂ + β. Inputs: x, γ [C], β [C].
 *
 * <p>Backward, with M values per channel: ∂β = Σ g, ∂γ = Σ g·x̂, and for x
 *
 * <ul>
 *   <li>in training, where μ and σ² were computed from this x: ∂x = (γs/M)·(M·g − Σ g − x̂·Σ g·x̂);
 *   <li>in evaluation, where they are the running statistics (constants): ∂x = γs·g.
 * </ul>
 *
 * <p>NOTE: its own primitive for speed, not stability. Composed from sub, div, mul, add and the
 * mean and variance reductions, one batch-norm layer costs about twenty passes over the activations
 * per training step; fused it costs four (statistics, normalise, two sums and ∂x in backward). The
 * composed version stays in the op table's reference, which checks this one.
 */
public final class BatchNormOp extends Function {
  private final Tensor mean;
  private final Tensor invStd;
  private final boolean training;

  /** {@code mean} and {@code invStd} are [C]; {@code training} says whether they came from x. */
  public BatchNormOp(Tensor mean, Tensor invStd, boolean training) {
    this.mean = mean;
    this.invStd = invStd;
    this.training = training;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor x = in[0], gamma = in[1], beta = in[2];
    // mean is the running mean itself in evaluation: saved so a later in-place update of the
    // running statistics before backward is caught like any other in-place change.
    save(x, gamma, mean, invStd);
    return TensorMath.channelAffine(x, mean, gamma.mul(invStd), beta, null, null);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor x = saved(0), gamma = saved(1);
    Tensor[] sums = TensorMath.channelGradSums(g, x, mean);
    Tensor sumG = sums[0];
    Tensor dGamma = sums[1].mul(invStd); // Σ g·x̂
    Tensor k = gamma.mul(invStd); // γs
    Tensor dx;
    if (training) {
      double m = (double) x.numel() / x.size(1);
      // ∂x = k·g − k·Σg/M − k·s·(x − μ)·Σ(g·x̂)/M, one fused pass.
      Tensor scaleX = k.mul(invStd).mul(dGamma).div(-m);
      Tensor shift = k.mul(sumG).div(-m);
      dx = TensorMath.channelAffine(x, mean, scaleX, shift, g, k);
    } else {
      Tensor zero = Tensor.zerosLike(k);
      dx = TensorMath.channelAffine(x, mean, zero, zero, g, k);
    }
    return new Tensor[] {dx, dGamma, sumG};
  }
}
