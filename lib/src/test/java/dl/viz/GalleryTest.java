package dl.viz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Writes one PNG of every kind of picture, for a person to look at after changing how something is
 * drawn: to {@code lib/target/viz-gallery} by default, or to {@code -Ddl.viz.gallery=DIR}: {@code
 * mvn -B -q test -pl lib -Dtest='dl.viz.GalleryTest' -Ddl.viz.gallery=/tmp/viz}.
 */
class GalleryTest {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void writesOnePictureOfEachKind() throws Exception {
    Path dir = Path.of(System.getProperty("dl.viz.gallery", "target/viz-gallery"));
    Random rnd = new Random(7);

    Plots.lossCurves(PlotsTest.history(20, true, true)).save(dir.resolve("loss_curves.png"));
    Plots.loss(PlotsTest.history(30, true, false)).logY().save(dir.resolve("loss_log.png"));

    Map<String, DoubleUnaryOperator> f = new LinkedHashMap<>();
    f.put("sigmoid", x -> 1 / (1 + Math.exp(-x)));
    f.put("sigmoid'", x -> Math.exp(-x) / Math.pow(1 + Math.exp(-x), 2));
    f.put("tanh", Math::tanh);
    f.put("relu", x -> Math.max(0, x));
    Plots.functions(-5, 5, f)
        .title("Activation functions")
        .yRange(-1.2, 2)
        .save(dir.resolve("functions.png"));

    Map<String, double[]> runs = new LinkedHashMap<>();
    for (double lr : new double[] {0.5, 0.1, 0.01}) {
      double[] loss = new double[40];
      for (int i = 0; i < 40; i++)
        loss[i] = lr == 0.5 ? 1.5 + 0.4 * Math.sin(i) : 2.3 * Math.exp(-lr * 3 * i) + 0.05;
      runs.put("lr=" + lr, loss);
    }
    Plots.curves(runs)
        .title("Learning rates")
        .yLabel("training loss")
        .save(dir.resolve("learning_rates.png"));

    int n = 120;
    float[] p = new float[2 * n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      int c = i % 2;
      p[2 * i] = (float) (rnd.nextGaussian() * 0.6 + (c == 0 ? -1 : 1));
      p[2 * i + 1] = (float) (rnd.nextGaussian() * 0.6 + (c == 0 ? -0.5 : 0.8));
      y[i] = c;
    }
    Tensor points = Tensor.fromArray(p, n, 2);
    Tensor labels = Tensor.fromArray(y, n);
    Plots.scatter(points, labels)
        .separatingLine(1, 1, -0.2)
        .title("Perceptron")
        .save(dir.resolve("scatter_line.png"));
    Plots.decisionBoundary(1, 1, -0.2, points, labels)
        .title("Perceptron regions")
        .save(dir.resolve("perceptron_boundary.png"));
    Function<Tensor, Tensor> ring =
        x -> {
          float[] d = x.toFloatArray();
          float[] out = new float[d.length / 2];
          for (int i = 0; i < out.length; i++)
            out[i] = Math.hypot(d[2 * i], d[2 * i + 1]) < 1.2 ? 0.9f : 0.1f;
          return Tensor.fromArray(out, out.length, 1);
        };
    Plots.decisionBoundary(ring, points, labels)
        .title("A ring-shaped boundary")
        .save(dir.resolve("decision_boundary.png"));

    int[][] counts = new int[10][10];
    for (int i = 0; i < 10; i++)
      for (int j = 0; j < 10; j++) counts[i][j] = i == j ? 900 + rnd.nextInt(90) : rnd.nextInt(20);
    String[] fashion = {
      "T-shirt/top",
      "Trouser",
      "Pullover",
      "Dress",
      "Coat",
      "Sandal",
      "Shirt",
      "Sneaker",
      "Bag",
      "Ankle boot"
    };
    Plots.confusionMatrix(counts, fashion).save(dir.resolve("confusion_matrix.png"));
    Plots.heatmap(Tensor.randn(6, 8)).title("W (6x8)").save(dir.resolve("heatmap.png"));

    Tensor digits = ImagesTest.topWhite(16).add(Tensor.rand(16, 1, 28, 28).mul(0.3));
    float[] truth = new float[16];
    float[] pred = new float[16];
    for (int i = 0; i < 16; i++) {
      truth[i] = i % 10;
      pred[i] = i % 5 == 0 ? (i + 3) % 10 : truth[i];
    }
    Images.grid(digits, 8).title("Samples").save(dir.resolve("grid.png"));
    Images.predictions(digits, Tensor.fromArray(truth, 16), Tensor.fromArray(pred, 16), 8, fashion)
        .save(dir.resolve("predictions.png"));
    Images.filters(Tensor.randn(6, 1, 5, 5))
        .title("conv1 filters")
        .save(dir.resolve("filters.png"));
    Images.filters(Tensor.randn(8, 3, 5, 5))
        .title("RGB filters")
        .save(dir.resolve("filters_rgb.png"));
    Images.of(digits.select(0, 0)).save(dir.resolve("image.png"));

    try (var files = Files.list(dir)) {
      assertTrue(files.filter(q -> q.toString().endsWith(".png")).count() >= 14);
    }
  }
}
