package dl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dl.data.Batch;
import dl.data.DataLoader;
import dl.data.TensorDataset;
import dl.optim.SGD;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import dl.train.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Issue #20's finding: two models with dropout trained in two threads at once used to give other
 * weights than trained one after the other, because both drew from the one global generator. Each
 * documented remedy must give the same bits either way.
 */
class DropoutThreadsTest {
  private static Tensor[] data() {
    Tensor x = Tensor.randn(new Rng(99), 64, 4);
    return new Tensor[] {x, x.sum(1).gt(0).float32()};
  }

  /**
   * One training run as a student writes it, everything random from the global generator: initial
   * weights, dropout masks and the loader's shuffles. Inside {@code Rng.withSeed} those are the
   * run's own. Returns every parameter, flattened.
   */
  private static float[] trainRun(long seed, Tensor[] d) {
    return Rng.withSeed(
        seed,
        () -> {
          Sequential m =
              Sequential.of(new Linear(4, 32), new ReLU(), new Dropout(0.5), new Linear(32, 2));
          SGD opt = new SGD(m.parameters(), 0.1);
          CrossEntropyLoss loss = new CrossEntropyLoss();
          DataLoader loader = new DataLoader(TensorDataset.of(d[0], d[1]), 8).shuffle(true);
          for (int epoch = 0; epoch < 10; epoch++) {
            for (Batch b : loader) {
              opt.zeroGrad();
              loss.forward(m.forward(b.x()), b.y()).backward();
              opt.step();
            }
          }
          return flatten(m);
        });
  }

  private static float[] flatten(Module m) {
    return m.parameters().stream()
        .map(Tensor::toFloatArray)
        .reduce(
            new float[0],
            (a, b) -> {
              float[] r = Arrays.copyOf(a, a.length + b.length);
              System.arraycopy(b, 0, r, a.length, b.length);
              return r;
            });
  }

  /** Runs a and b in two threads at once, and {@code meanwhile} in this one. */
  private static <T> T[] inTwoThreads(Callable<T> a, Callable<T> b, Runnable meanwhile, T[] out)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<T> fa = pool.submit(a), fb = pool.submit(b);
      meanwhile.run();
      out[0] = fa.get();
      out[1] = fb.get();
      return out;
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void twoRunsWithSeedsOfTheirOwnMatchInTwoThreadsAndOneAfterTheOther() throws Exception {
    Tensor[] d = data();
    float[] aAlone = trainRun(1, d), bAlone = trainRun(2, d);
    // Draws from the JVM-wide generator in this thread meanwhile must not matter either.
    float[][] both =
        inTwoThreads(
            () -> trainRun(1, d),
            () -> trainRun(2, d),
            () -> {
              for (int i = 0; i < 100; i++) Tensor.randn(1000);
            },
            new float[2][]);
    assertArrayEquals(aAlone, both[0], "run with seed 1, alone vs beside another");
    assertArrayEquals(bAlone, both[1], "run with seed 2, alone vs beside another");
    assertFalse(Arrays.equals(aAlone, bAlone), "two seeds should give two different models");
    assertArrayEquals(aAlone, trainRun(1, d), "the same seed again");
  }

  /**
   * The other recipe: models built in one thread after {@code Tensor.manualSeed}, each dropout
   * layer given a generator split from the global one, then trained in parallel.
   */
  private static Sequential splitModel(long seed) {
    Tensor.manualSeed(seed);
    return Sequential.of(
        new Linear(4, 32),
        new ReLU(),
        new Dropout(0.5).rng(Rng.global().split()),
        new Linear(32, 2));
  }

  private static float[] fit(Sequential m, Tensor[] data) {
    new Trainer(m, new CrossEntropyLoss(), new SGD(m.parameters(), 0.1))
        .epochs(20)
        .batchSize(8)
        .printTo(new PrintStream(OutputStream.nullOutputStream()))
        .fit(data[0], data[1]);
    return ((Linear) m.get(3)).weight().toFloatArray();
  }

  @Test
  void modelsWithSplitGeneratorsMatchInTwoThreadsAndOneAfterTheOther() throws Exception {
    Sequential a1 = splitModel(1), b1 = splitModel(2);
    Tensor[] d = data();
    float[] aAlone = fit(a1, d), bAlone = fit(b1, d);
    Sequential a = splitModel(1), b = splitModel(2);
    float[][] both = inTwoThreads(() -> fit(a, d), () -> fit(b, d), () -> {}, new float[2][]);
    assertArrayEquals(aAlone, both[0]);
    assertArrayEquals(bAlone, both[1]);
  }
}
