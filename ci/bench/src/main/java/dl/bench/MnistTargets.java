package dl.bench;

import dl.data.DataSplits;
import dl.data.Datasets;
import dl.nn.CrossEntropyLoss;
import dl.nn.Flatten;
import dl.nn.Linear;
import dl.nn.Module;
import dl.nn.ReLU;
import dl.nn.Sequential;
import dl.optim.CosineAnnealingLR;
import dl.optim.SGD;
import dl.tensor.Tensor;
import dl.train.History;
import dl.train.Trainer;
import java.util.Locale;

/**
 * Trains the first half of the course's models on full MNIST and prints the figures the README's
 * results table records: softmax regression and the lecture's 784-200-10 MLP (10 epochs).
 *
 * <p>Run: {@code bash ci/bench.sh mnist} (or {@code java -cp ci/bench/target/benchmarks.jar
 * dl.bench.MnistTargets}).
 */
public final class MnistTargets {
  private MnistTargets() {}

  public static void main(String[] args) {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    DataSplits mnist = Datasets.mnist();
    Tensor x = mnist.train().x(), y = mnist.train().y();
    Tensor xTest = mnist.test().x(), yTest = mnist.test().y();

    Tensor.manualSeed(0);
    Module softmax = Sequential.of(new Flatten(), new Linear(784, 10));
    report("softmax regression", softmax, epochs, x, y, xTest, yTest, 0.05);

    Tensor.manualSeed(0);
    Module mlp =
        Sequential.of(new Flatten(), new Linear(784, 200), new ReLU(), new Linear(200, 10));
    report("MLP 784-200-10", mlp, epochs, x, y, xTest, yTest, 0.1);
  }

  private static void report(
      String name,
      Module model,
      int epochs,
      Tensor x,
      Tensor y,
      Tensor xTest,
      Tensor yTest,
      double lr) {
    SGD opt = new SGD(model.parameters(), lr).momentum(0.9);
    History h =
        new Trainer(model, new CrossEntropyLoss(), opt)
            .epochs(epochs)
            .batchSize(64)
            .seed(0)
            .progress(false)
            .scheduler(new CosineAnnealingLR(opt, epochs, 0))
            .validation(xTest, yTest)
            .fit(x, y);
    double seconds = h.epochs().stream().mapToDouble(History.Epoch::seconds).sum() / h.size();
    System.out.printf(
        Locale.ROOT,
        "RESULT %s: test accuracy %.4f after %d epochs, %.1f s per epoch (%d threads)%n",
        name,
        h.last().valAccuracy(),
        h.size(),
        seconds,
        Runtime.getRuntime().availableProcessors());
  }
}
