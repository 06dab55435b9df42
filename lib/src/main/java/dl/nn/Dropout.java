package dl.nn;

import dl.nn.functional.Dropouts;
import dl.tensor.Rng;
import dl.tensor.Tensor;

/**
 * Inverted dropout: in training each element is zeroed with probability p and the rest scaled by
 * 1/(1 − p), which trains an ensemble of thinned networks that share weights; in evaluation it does
 * nothing.
 *
 * <p>Masks come from {@link Rng#global()} unless {@link #rng} gives a generator. Threads: outside
 * {@link Rng#withSeed} that generator is shared by every thread, so two models trained at once in
 * two threads would take each other's draws. Train each in {@code Rng.withSeed(seed, () -> …)}: its
 * masks (and initial weights and shuffles) then come from the run's own generator, as when it runs
 * alone.
 */
public final class Dropout extends Module {
  private final double p;
  private Rng rng;

  public Dropout(double p) {
    if (p < 0 || p >= 1)
      throw new IllegalArgumentException("Dropout: probability must be in [0, 1), got " + p);
    this.p = p;
  }

  /**
   * Draws masks from {@code rng} instead of the global generator, e.g. {@code
   * .rng(Rng.global().split())} when the model is built.
   */
  public Dropout rng(Rng r) {
    rng = r;
    return this;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Dropouts.dropout(x, p, isTraining(), rng != null ? rng : Rng.global());
  }

  @Override
  protected String describe() {
    return "Dropout(p=" + p + ")";
  }
}
