package dl.tensor;

import java.util.function.Supplier;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.util.MathArrays;

/**
 * A seeded random source (Mersenne Twister from Commons Math). Every random tensor, shuffle and
 * initialiser takes one, or uses the global one that {@link Tensor#manualSeed(long)} resets, so a
 * run can be reproduced exactly.
 *
 * <p>Threads. Outside {@link #withSeed}, the global generator is one for the whole JVM: every
 * thread draws from the same stream and {@code manualSeed} in any thread reseeds it. That is what a
 * notebook needs, because a Jupyter kernel runs its cells on a pool of threads (a cell may run on
 * another thread than the one before); a per-thread generator would silently restart the stream
 * whenever the kernel changed threads. Draws from two threads at once are neither ordered nor safe.
 *
 * <p>So each training run that may run beside another gets a generator of its own: {@code
 * Rng.withSeed(seed, body)} runs {@code body} with <em>this thread's</em> global generator replaced
 * by {@code new Rng(seed)}. Everything that draws from the global generator by default
 * (initialisers, {@code Tensor.rand/randn}, {@code Dropout}, {@code Dropout2d}, {@code
 * DataLoader.shuffle(true)}) then draws from the run's generator, and {@code manualSeed} inside the
 * body reseeds only that generator. Nothing else sees it: other threads, and threads that the body
 * starts, keep using the JVM-wide generator, whose stream the run neither advances nor resets. A
 * run therefore gives the same numbers alone, one after another, or beside other runs in other
 * threads, and code that never calls {@code withSeed} draws exactly what it did before it existed.
 *
 * <pre>{@code
 * jshell> new Rng(42).normal() == new Rng(42).normal()
 * $1 ==> true
 * jshell> Rng.withSeed(7, () -> Rng.global().normal()) == new Rng(7).normal()
 * $2 ==> true
 * }</pre>
 *
 * <p>A random layer can also be given its own generator when the model is built ({@code new
 * Dropout(0.5).rng(Rng.global().split())}); then its draws depend on nothing another model or
 * thread does later.
 */
public final class Rng {
  private static Rng global = new Rng(0);

  // NOTE: set only inside withSeed; a thread without one uses the JVM-wide generator above.
  private static final ThreadLocal<Rng> RUN = new ThreadLocal<>();

  private final RandomGenerator generator;

  public Rng(long seed) {
    this.generator = new MersenneTwister(seed);
  }

  /**
   * The generator used when no {@code Rng} is passed explicitly: inside {@link #withSeed} the run's
   * own, otherwise the one shared by the whole JVM.
   */
  public static Rng global() {
    Rng run = RUN.get();
    return run != null ? run : shared();
  }

  private static synchronized Rng shared() {
    return global;
  }

  /**
   * Resets the global generator (see {@link Tensor#manualSeed(long)}): inside {@link #withSeed}
   * only the run's, otherwise the one shared by the whole JVM.
   */
  public static void seedGlobal(long seed) {
    if (RUN.get() != null) RUN.set(new Rng(seed));
    else seedShared(seed);
  }

  private static synchronized void seedShared(long seed) {
    global = new Rng(seed);
  }

  /**
   * Runs {@code body} with this thread's global generator replaced by {@code new Rng(seed)} and
   * returns what it returns; afterwards this thread's global generator is the one it was before
   * (untouched: the run drew nothing from it). Runs may be nested. Use one per training run that
   * may run beside another, so its initial weights, dropout masks and shuffles do not depend on
   * what other threads draw.
   *
   * <pre>{@code
   * jshell> Tensor.manualSeed(0); double first = Rng.global().normal();
   * jshell> Tensor.manualSeed(0); Rng.withSeed(1, () -> Tensor.randn(3)); Rng.global().normal() == first
   * $3 ==> true
   * }</pre>
   */
  public static <T> T withSeed(long seed, Supplier<T> body) {
    Rng outer = RUN.get();
    RUN.set(new Rng(seed));
    try {
      return body.get();
    } finally {
      if (outer != null) RUN.set(outer);
      else RUN.remove();
    }
  }

  /** {@link #withSeed(long, Supplier)} for a body that returns nothing. */
  public static void withSeed(long seed, Runnable body) {
    withSeed(
        seed,
        () -> {
          body.run();
          return null;
        });
  }

  /**
   * A new generator seeded from this one's next draw, so the same seed gives the same child. Give
   * one to each layer that draws while training (dropout) when the model is built, and its draws
   * depend on nothing another model or thread does later.
   */
  public synchronized Rng split() {
    return new Rng(generator.nextLong());
  }

  /** Uniform in [0, 1). */
  public double uniform() {
    return generator.nextDouble();
  }

  /** Uniform in [low, high). */
  public double uniform(double low, double high) {
    return low + (high - low) * generator.nextDouble();
  }

  /** Standard normal: mean 0, standard deviation 1. */
  public double normal() {
    return generator.nextGaussian();
  }

  /** Uniform integer in [0, bound). */
  public int nextInt(int bound) {
    return generator.nextInt(bound);
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  public int[] permutation(int n) {
    int[] p = MathArrays.natural(n);
    MathArrays.shuffle(p, generator);
    return p;
  }

  /** Shuffles {@code values} in place. */
  public void shuffle(int[] values) {
    MathArrays.shuffle(values, generator);
  }
}
