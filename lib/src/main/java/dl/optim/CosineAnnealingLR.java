package dl.optim;

/**
 * Half a cosine from η down to ηmin over {@code tMax} steps: ηmin + (η − ηmin)(1 + cos(πt/T))/2.
 */
public final class CosineAnnealingLR extends LrScheduler {
  private final int tMax;
  private final double minLr;

  public CosineAnnealingLR(Optimizer optimizer, int tMax, double minLr) {
    super(optimizer);
    if (tMax <= 0)
      throw new IllegalArgumentException("CosineAnnealingLR: tMax must be positive, got " + tMax);
    this.tMax = tMax;
    this.minLr =
        Optimizer.check(
            "CosineAnnealingLR",
            "minLr",
            minLr,
            minLr >= 0 && minLr < Optimizer.INF,
            "finite and >= 0");
  }

  @Override
  protected double factor(int t) {
    double ratio = minLr / baseLr();
    return ratio + (1 - ratio) * (1 + Math.cos(Math.PI * Math.min(t, tMax) / tMax)) / 2;
  }
}
