package dl.examples;

import dl.data.DataSplits;
import dl.data.Datasets;
import dl.data.Transform;
import dl.data.Transforms;
import dl.nn.CrossEntropyLoss;
import dl.nn.Module;
import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.optim.CosineAnnealingLR;
import dl.optim.SGD;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import dl.train.History;
import dl.train.Trainer;
import java.util.Locale;

/**
 * Trains the second half of the course's models and prints the figures the README's results table
 * records: LeNet-5 on MNIST, and a small ResNet on Fashion-MNIST with augmentation.
 *
 * <p>Run: {@code bash ci/bench.sh lenet [epochs]} or {@code bash ci/bench.sh resnet [epochs]}.
 */
public final class CnnTargets {
  private CnnTargets() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "lenet";
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Tensor.manualSeed(0);
    if (which.equals("lenet")) {
      DataSplits mnist = Datasets.mnist();
      Module net = new LeNet5();
      report("LeNet-5 on MNIST", net, mnist, epochs, 0.05, null);
    } else if (which.equals("resnet")) {
      DataSplits fashion = Datasets.fashionMnist();
      Module net = ResNet.small(1, 10, 1);
      // Notebook 13's full mode trains with exactly this recipe.
      Transform augment =
          Transforms.compose(
              Transforms.randomHorizontalFlip(0.5, new Rng(1)),
              Transforms.randomCrop(28, 2, new Rng(2)));
      report("ResNet-8 on Fashion-MNIST (flip + crop)", net, fashion, epochs, 0.1, augment::apply);
    } else {
      throw new IllegalArgumentException(
          "CnnTargets: unknown model '" + which + "' (lenet or resnet)");
    }
  }

  private static void report(
      String name,
      Module net,
      DataSplits data,
      int epochs,
      double lr,
      java.util.function.UnaryOperator<Tensor> augment) {
    SGD opt = new SGD(net.parameters(), lr).momentum(0.9).weightDecay(5e-4);
    Trainer trainer =
        new Trainer(net, new CrossEntropyLoss(), opt)
            .epochs(epochs)
            .batchSize(64)
            .seed(0)
            .progress(false)
            .scheduler(new CosineAnnealingLR(opt, epochs, 0))
            .validation(data.test().x(), data.test().y());
    if (augment != null) trainer.transform(augment);
    History h = trainer.fit(data.train().x(), data.train().y());
    double seconds = h.epochs().stream().mapToDouble(History.Epoch::seconds).sum();
    int n = data.train().size();
    System.out.printf(
        Locale.ROOT,
        "RESULT %s: test accuracy %.4f after %d epochs, %.1f s per epoch, %.0f training images/s (%d threads)%n",
        name,
        h.last().valAccuracy(),
        h.size(),
        seconds / h.size(),
        n * h.size() / seconds,
        Runtime.getRuntime().availableProcessors());
  }
}
