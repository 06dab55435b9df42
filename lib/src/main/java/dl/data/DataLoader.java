package dl.data;

import dl.Check;
import dl.tensor.Rng;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Iterates over a {@link Dataset} in batches, one epoch per {@code for} loop, like PyTorch's {@code
 * DataLoader}. Options are chained setters.
 *
 * <pre>{@code
 * jshell> var loader = new DataLoader(mnist.train(), 64).shuffle(42).dropLast(true)
 *    ...>     .transform(Transforms.normalize(Transforms.MNIST_MEAN, Transforms.MNIST_STD));
 * jshell> loader.numBatches()
 * $2 ==> 937
 * jshell> for (Batch b : loader) { var loss = lossFn.forward(model.forward(b.x()), b.y()); ... }
 * }</pre>
 *
 * <p>With shuffling, each epoch (each {@link #iterator()}) draws a new permutation from the
 * loader's generator, so epochs differ, yet a loader built with the same seed repeats the same
 * sequence of epochs exactly.
 */
public final class DataLoader implements Iterable<Batch> {
  private final Dataset dataset;
  private final int batchSize;
  private boolean shuffle;
  private Rng rng; // null: the global generator, looked up at the start of each epoch
  private boolean dropLast;
  private Transform transform = Transform.identity();
  private Transform targetTransform = Transform.identity();

  /** Batches of {@code batchSize} examples in dataset order (no shuffling, last batch kept). */
  public DataLoader(Dataset dataset, int batchSize) {
    if (batchSize < 1)
      throw new IllegalArgumentException("DataLoader: batchSize must be >= 1, got " + batchSize);
    this.dataset = dataset;
    this.batchSize = batchSize;
  }

  /** Shuffle each epoch with the global generator (reset by {@code Tensor.manualSeed}), or not. */
  public DataLoader shuffle(boolean shuffle) {
    this.shuffle = shuffle;
    this.rng = null;
    return this;
  }

  /** Shuffle each epoch with a generator of its own, seeded with {@code seed}. */
  public DataLoader shuffle(long seed) {
    return shuffle(new Rng(seed));
  }

  /** Shuffle each epoch with {@code rng}. */
  public DataLoader shuffle(Rng rng) {
    this.shuffle = true;
    this.rng = rng;
    return this;
  }

  /** Drop the last batch when it is smaller than the batch size (e.g. for BatchNorm). */
  public DataLoader dropLast(boolean dropLast) {
    this.dropLast = dropLast;
    return this;
  }

  /** Applied to each batch's inputs x (after any earlier transform). */
  public DataLoader transform(Transform t) {
    this.transform = this.transform.andThen(t);
    return this;
  }

  /** Applied to each batch's targets y, e.g. {@link Transforms#oneHot(int)}. */
  public DataLoader targetTransform(Transform t) {
    this.targetTransform = this.targetTransform.andThen(t);
    return this;
  }

  /** The dataset the batches come from. */
  public Dataset dataset() {
    return dataset;
  }

  /** Examples per batch (the last one may have fewer unless {@link #dropLast}). */
  public int batchSize() {
    return batchSize;
  }

  /** Batches per epoch, like {@code len(loader)} in PyTorch. */
  public int numBatches() {
    int n = dataset.size();
    // NOTE: not (n + batchSize − 1) / batchSize, which overflows for batchSize near
    // Integer.MAX_VALUE and used to give 0 batches ("-1 batches" in toString).
    return n / batchSize + (!dropLast && n % batchSize != 0 ? 1 : 0);
  }

  /** One epoch of batches. */
  @Override
  public Iterator<Batch> iterator() {
    int n = dataset.size();
    int[] order = shuffle ? (rng != null ? rng : Rng.global()).permutation(n) : identity(n);
    int batches = numBatches();
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < batches;
      }

      @Override
      public Batch next() {
        if (!hasNext())
          throw new NoSuchElementException(
              Check.message("DataLoader", "epoch finished after %s batches", batches));
        int from = next * batchSize, to = (int) Math.min(n, (long) from + batchSize);
        next++;
        int[] idx = new int[to - from];
        System.arraycopy(order, from, idx, 0, idx.length);
        Batch b = dataset.batch(idx);
        return new Batch(transform.apply(b.x()), targetTransform.apply(b.y()));
      }
    };
  }

  /** One epoch of batches as a stream. */
  public Stream<Batch> stream() {
    return StreamSupport.stream(spliterator(), false);
  }

  private static int[] identity(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
  }

  @Override
  public String toString() {
    return "DataLoader("
        + dataset.size()
        + " examples, batchSize="
        + batchSize
        + ", "
        + numBatches()
        + " batches"
        + (shuffle ? ", shuffle" : "")
        + (dropLast ? ", dropLast" : "")
        + ")";
  }
}
