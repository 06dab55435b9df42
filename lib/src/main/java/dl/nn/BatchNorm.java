package dl.nn;

import dl.nn.functional.Conv;
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
    if (channels <= 0)
      throw new IllegalArgumentException(
          getClass().getSimpleName() + ": channels must be positive, got " + channels);
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
    if (x.size(1) != channels) {
      throw new IllegalArgumentException(
          describe() + ": expected " + channels + " channels on axis 1, got input " + x.shape());
    }
    return Conv.batchNorm(x, runningMean, runningVar, gamma, beta, isTraining(), momentum, eps);
  }

  @Override
  protected String describe() {
    return getClass().getSimpleName() + "(" + channels + ")";
  }
}
