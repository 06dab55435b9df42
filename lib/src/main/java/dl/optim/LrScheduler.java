package dl.optim;

/**
 * Changes an optimizer's learning rate over time: lr(t) = base · factor(t). Call {@link #step()}
 * once per epoch (or per batch, if the schedule is counted in batches).
 */
public abstract class LrScheduler {
  protected final Optimizer optimizer;
  private final double baseLr;
  private int t;

  protected LrScheduler(Optimizer optimizer) {
    this.optimizer = optimizer;
    this.baseLr = optimizer.lr();
  }

  /** Multiplier of the base learning rate at step t (t = 0 before the first step). */
  protected abstract double factor(int t);

  /** Call once after the optimizer has run the first epoch/batch; sets lr(t+1). */
  public void step() {
    t++;
    optimizer.lr(baseLr * factor(t));
  }

  /** Sets the learning rate for step 0; schedules that do not start at factor 1 call this. */
  protected final void start() {
    optimizer.lr(baseLr * factor(0));
  }

  public double baseLr() {
    return baseLr;
  }

  /** Steps taken so far. */
  public int steps() {
    return t;
  }
}
