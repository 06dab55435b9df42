package dl.bench;

import dl.data.DataSplits;
import dl.data.Datasets;
import dl.data.Transform;
import dl.data.Transforms;
import dl.nn.CrossEntropyLoss;
import dl.nn.Module;
import dl.nn.SafeTensors;
import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.optim.CosineAnnealingLR;
import dl.optim.SGD;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import dl.train.History;
import dl.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the second half of the course's models and prints the figures the README's results table
 * records: LeNet-5 on MNIST, and a small ResNet on Fashion-MNIST with augmentation.
 *
 * <p>Run: {@code bash ci/bench.sh lenet [epochs]} or {@code bash ci/bench.sh resnet [epochs]}. The
 * ResNet run also saves its weights to {@link #RESNET_WEIGHTS} for notebook 13. An optional third
 * argument trains on only that many images (and tests on as many), for a quick check of the
 * pipeline: {@code java -cp ci/bench/target/benchmarks.jar dl.bench.CnnTargets resnet 1 500}.
 */
public final class CnnTargets {
  private CnnTargets() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "lenet";
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int images = args.length > 2 ? Integer.parseInt(args[2]) : 0; // 0: the whole data set
    Tensor.manualSeed(0);
    if (which.equals("lenet")) {
      DataSplits mnist = images > 0 ? Datasets.mnist().subset(images, images) : Datasets.mnist();
      Module net = new LeNet5();
      report("LeNet-5 on MNIST", net, mnist, epochs, 0.05, null);
    } else if (which.equals("resnet")) {
      DataSplits fashion =
          images > 0 ? Datasets.fashionMnist().subset(images, images) : Datasets.fashionMnist();
      Module net = ResNet.small(1, 10, 1);
      // Notebook 13's full mode trains with exactly this recipe.
      Transform augment =
          Transforms.compose(
              Transforms.randomHorizontalFlip(0.5, new Rng(1)),
              Transforms.randomCrop(28, 2, new Rng(2)));
      double accuracy =
          report(
              "ResNet-8 on Fashion-MNIST (flip + crop)", net, fashion, epochs, 0.1, augment::apply);
      saveWeights(
          net,
          "ResNet.small(1, 10, 1, 16)",
          Path.of(RESNET_WEIGHTS),
          epochs,
          fashion.train().size(),
          accuracy);
    } else {
      throw new IllegalArgumentException(
          "CnnTargets: unknown model '" + which + "' (lenet or resnet)");
    }
  }

  /**
   * Where {@code bash ci/bench.sh resnet} leaves the trained ResNet-8 (relative to the repository
   * root; data/ is git-ignored). Notebook 13 loads it from there instead of training for 30-45
   * minutes.
   */
  public static final String RESNET_WEIGHTS = "data/resnet8-fashion-mnist.safetensors";

  /**
   * Saves the weights with how they were trained as metadata, and their SHA-256 beside them (file +
   * ".sha256", in sha256sum's format) so a reader can tell a complete file from a damaged one.
   */
  static void saveWeights(
      Module net, String model, Path file, int epochs, int trainImages, double accuracy) {
    try {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      SafeTensors.write(
          net.stateDict(),
          Map.of(
              "model", model,
              "epochs", String.valueOf(epochs),
              "train_images", String.valueOf(trainImages),
              "test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy),
              "command", "bash ci/bench.sh resnet " + epochs),
          file);
      String hash =
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
      Files.writeString(Path.of(file + ".sha256"), hash + "  " + file.getFileName() + "\n");
      System.out.println("saved weights to " + file + " (SHA-256 " + hash + ")");
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "CnnTargets: could not save weights to " + file + ": " + e, e);
    }
  }

  private static double report(
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
    return h.last().valAccuracy();
  }
}
