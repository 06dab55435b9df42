package dl.optim;

/**
 * Linear warm-up: the rate climbs from η/warmup to η over the first {@code warmup} steps, then
 * follows {@code after} (counted from the end of the warm-up), or stays at η when it is null.
 * Large-batch and Adam training is less fragile when the first steps are small.
 */
public final class WarmupLR extends LrScheduler {
  private final int warmup;
  private final LrScheduler after;

  public WarmupLR(Optimizer optimizer, int warmup, LrScheduler after) {
    super(optimizer);
    if (warmup <= 0)
      throw new IllegalArgumentException("WarmupLR: warmup must be positive, got " + warmup);
    if (after != null && after.optimizer != optimizer)
      throw new IllegalArgumentException("WarmupLR: 'after' drives a different optimizer");
    this.warmup = warmup;
    this.after = after;
    start();
  }

  @Override
  protected double factor(int t) {
    if (t < warmup) return (t + 1.0) / warmup;
    return after == null ? 1 : after.factor(t - warmup);
  }
}
