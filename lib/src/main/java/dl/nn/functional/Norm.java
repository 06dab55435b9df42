package dl.nn.functional;

import dl.Check;
import dl.autograd.NoGrad;
import dl.autograd.ops.BatchNormOp;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * Normalisation across channels (axis 1): batch normalisation, one primitive ({@link BatchNormOp})
 * with its forward and backward equations side by side, and AlexNet's local response normalisation,
 * composed from tensor ops.
 */
public final class Norm {
  private Norm() {}

  /**
   * Batch normalisation over every axis but the channel axis 1: x̂ = (x − μ) / √(σ² + ε), then γ·x̂
   * + β. In training μ and σ² come from the batch (σ² biased) and the running estimates move
   * towards them by {@code momentum} (the running variance uses the unbiased batch variance, as
   * PyTorch does); in evaluation the running estimates are used.
   *
   * <p>Shape: x [N, C] or [N, C, L] or [N, C, H, W]; running stats, weight and bias [C].
   */
  public static Tensor batchNorm(
      Tensor x,
      Tensor runningMean,
      Tensor runningVar,
      Tensor weight,
      Tensor bias,
      boolean training,
      double momentum,
      double eps) {
    int c = runningMean.numel();
    if (x.dim() < 2 || x.size(1) != c)
      throw Check.badArgument("batchNorm", "expected input [N, %d, ...], got %s", c, x.shape());
    Tensor mean, var;
    if (training) {
      int count = x.numel() / c;
      Check.argument(
          count >= 2,
          "batchNorm",
          "training needs more than one value per channel, got input %s",
          x.shape());
      Tensor[] moments = BatchNormOp.moments(x); // records no graph
      mean = moments[0];
      var = moments[1];
      try (NoGrad scope = NoGrad.enter()) {
        runningMean.mulInPlace(1 - momentum).addInPlace(mean, momentum);
        runningVar
            .mulInPlace(1 - momentum)
            .addInPlace(var.mul((double) count / (count - 1)), momentum);
      }
    } else {
      mean = runningMean.detach();
      var = runningVar.detach();
    }
    Tensor invStd;
    try (NoGrad scope = NoGrad.enter()) {
      invStd = var.add(eps).sqrt().reciprocal();
    }
    Tensor gamma = weight != null ? weight : Tensor.onesLike(mean);
    Tensor beta = bias != null ? bias : Tensor.zerosLike(mean);
    return new BatchNormOp(mean, invStd, training).apply(x, gamma, beta);
  }

  /**
   * Local response normalisation across channels (AlexNet): b_c = a_c / (k + α/n · Σ a_{c'}²)^β,
   * the sum over the n channels around c (zeros beyond the edges).
   */
  public static Tensor localResponseNorm(Tensor x, int size, double alpha, double beta, double k) {
    Check.argument(
        x.dim() >= 3, "localResponseNorm", "expected input [N, C, ...], got %s", x.shape());
    Check.positive("localResponseNorm", "size", size);
    int c = x.size(1);
    Tensor sq = x.square();
    int[] before = x.shape().toArray(), after = x.shape().toArray();
    before[1] = size / 2;
    after[1] = (size - 1) / 2;
    Tensor padded =
        Tensor.cat(
            1,
            TensorMath.zeros(x.device(), Shape.of(before), x.dtype()),
            sq,
            TensorMath.zeros(x.device(), Shape.of(after), x.dtype()));
    Tensor sum = padded.narrow(1, 0, c);
    for (int i = 1; i < size; i++) sum = sum.add(padded.narrow(1, i, c));
    return x.div(sum.mul(alpha / size).add(k).pow(beta));
  }
}
