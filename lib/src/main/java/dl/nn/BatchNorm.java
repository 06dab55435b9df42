package dl.nn;

import dl.Check;
import dl.nn.functional.Norm;
import dl.tensor.Tensor;

/**
 * Batch normalisation (Ioffe &amp; Szegedy 2015): normalise each channel to zero mean and unit
 * variance, then scale by a learned γ and shift by a learned β. Training uses the batch's
 * statistics and updates running estimates; evaluation uses the running estimates.
 */
abstract class BatchNorm extends Module {
  private final int channels;
  private double momentum = 0.1, eps = 1e-5;
  private final Tensor gamma, beta, runningMean, runningVar;

  BatchNorm(int channels) {
    Check.positive(getClass().getSimpleName(), "channels", channels);
    this.channels = channels;
    gamma = param("weight", Tensor.ones(channels));
    beta = param("bias", Tensor.zeros(channels));
    runningMean = buffer("running_mean", Tensor.zeros(channels));
    runningVar = buffer("running_var", Tensor.ones(channels));
  }

  /** How far the running estimates move towards each batch's statistics (default 0.1). */
  public BatchNorm momentum(double m) {
    momentum = m;
    return this;
  }

  public BatchNorm eps(double e) {
    eps = e;
    return this;
  }

  public Tensor runningMean() {
    return runningMean;
  }

  public Tensor runningVar() {
    return runningVar;
  }

  abstract void checkRank(Tensor x);

  @Override
  public Tensor forward(Tensor x) {
    checkRank(x);
    try {
      return Norm.batchNorm(x, runningMean, runningVar, gamma, beta, isTraining(), momentum, eps);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected String describe() {
    return getClass().getSimpleName() + "(" + channels + ")";
  }
}
