package dl.optim;

/** Multiplies the learning rate by γ every {@code stepSize} steps: η·γ^⌊t / stepSize⌋. */
public final class StepLR extends LrScheduler {
  private final int stepSize;
  private final double gamma;

  public StepLR(Optimizer optimizer, int stepSize, double gamma) {
    super(optimizer);
    if (stepSize <= 0)
      throw new IllegalArgumentException("StepLR: stepSize must be positive, got " + stepSize);
    this.stepSize = stepSize;
    this.gamma =
        Optimizer.check(
            "StepLR", "gamma", gamma, gamma > 0 && gamma < Optimizer.INF, "finite and > 0");
  }

  @Override
  protected double factor(int t) {
    return Math.pow(gamma, t / stepSize);
  }
}
