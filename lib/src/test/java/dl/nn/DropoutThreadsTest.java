package dl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dl.optim.SGD;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import dl.train.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The documented recipe for parallel training: dropout layers with generators of their own, split
 * from the global one when the model is built, draw the same masks in two threads as one after the
 * other. (With the shared global generator the two threads' draws interleave: this test fails.)
 */
class DropoutThreadsTest {
  private static Sequential model(long seed) {
    Tensor.manualSeed(seed);
    return Sequential.of(
        new Linear(4, 32),
        new ReLU(),
        new Dropout(0.5).rng(Rng.global().split()),
        new Linear(32, 2));
  }

  private static Tensor[] data() {
    Tensor.manualSeed(99);
    Tensor x = Tensor.randn(64, 4);
    return new Tensor[] {x, x.sum(1).gt(0).float32()};
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
  void twoModelsTrainedInTwoThreadsMatchTrainingThemOneAfterTheOther() throws Exception {
    Sequential a1 = model(1), b1 = model(2);
    Tensor[] d = data();
    float[] aAlone = fit(a1, d), bAlone = fit(b1, d);
    Sequential a = model(1), b = model(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<float[]> fa = pool.submit(() -> fit(a, d));
      Future<float[]> fb = pool.submit(() -> fit(b, d));
      assertArrayEquals(aAlone, fa.get());
      assertArrayEquals(bAlone, fb.get());
    } finally {
      pool.shutdown();
    }
  }
}
