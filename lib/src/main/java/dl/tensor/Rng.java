package dl.tensor;

import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.util.MathArrays;

/**
 * A seeded random source (Mersenne Twister from Commons Math). Every random tensor, shuffle and
 * initialiser takes one, or uses the global one that {@link Tensor#manualSeed(long)} resets, so a
 * run can be reproduced exactly.
 *
 * <p>Threads: the global generator is one for the whole JVM, shared by every thread; draws from it
 * are neither ordered between threads nor safe to make from two threads at once. Everything that
 * uses it by default (initialisers, {@code Dropout}, {@code DataLoader.shuffle(true)}) is meant for
 * one thread. To train models in parallel, build them in one thread after {@code
 * Tensor.manualSeed}, and give each random layer a generator of its own, {@link #split() split}
 * from the global one ({@code new Dropout(0.5).rng(Rng.global().split())}): each model then draws
 * the masks it would draw alone.
 *
 * <pre>{@code
 * jshell> new Rng(42).normal() == new Rng(42).normal()
 * $1 ==> true
 * }</pre>
 */
public final class Rng {
  private static Rng global = new Rng(0);

  private final RandomGenerator generator;

  public Rng(long seed) {
    this.generator = new MersenneTwister(seed);
  }

  /** The generator used when no {@code Rng} is passed explicitly. */
  public static synchronized Rng global() {
    return global;
  }

  /** Resets the global generator; see {@link Tensor#manualSeed(long)}. */
  public static synchronized void seedGlobal(long seed) {
    global = new Rng(seed);
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
