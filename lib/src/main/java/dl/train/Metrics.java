package dl.train;

import dl.Check;
import dl.autograd.NoGrad;
import dl.nn.Module;
import dl.tensor.Tensor;

/** Accuracy, predictions and confusion matrices for classifiers. */
public final class Metrics {
  private Metrics() {}

  /**
   * Fraction of rows whose largest score is at the true class. Shape: scores [N, C], labels [N].
   */
  public static double accuracy(Tensor scores, Tensor labels) {
    int[] predicted = scores.argmax(1).toIntArray(), truth = labels.toIntArray();
    if (predicted.length != truth.length) {
      throw Check.badArgument(
          "accuracy",
          "scores %s and labels %s have different batch sizes",
          scores.shape(),
          labels.shape());
    }
    int right = 0;
    for (int i = 0; i < truth.length; i++) if (predicted[i] == truth[i]) right++;
    return truth.length == 0 ? 0 : (double) right / truth.length;
  }

  /** The model's outputs for every row of x, in eval mode and without a graph, in batches. */
  public static Tensor outputs(Module model, Tensor x, int batchSize) {
    boolean wasTraining = model.isTraining();
    model.eval();
    try (NoGrad scope = NoGrad.enter()) {
      int n = x.size(0);
      Tensor[] parts = new Tensor[(n + batchSize - 1) / batchSize];
      for (int b = 0; b < parts.length; b++) {
        int from = b * batchSize, to = Math.min(n, from + batchSize);
        parts[b] = model.forward(x.slice(0, from, to));
      }
      return parts.length == 1 ? parts[0] : Tensor.cat(0, parts);
    } finally {
      model.train(wasTraining);
    }
  }

  /** Predicted class index (argmax of the scores) for every row of x. */
  public static int[] predict(Module model, Tensor x, int batchSize) {
    return outputs(model, x, batchSize).argmax(1).toIntArray();
  }

  /** Evaluates a classifier on (x, labels) and returns its confusion matrix. */
  public static ConfusionMatrix confusionMatrix(
      Module model, Tensor x, Tensor labels, String... classNames) {
    Tensor scores = outputs(model, x, 1000);
    String[] names =
        classNames.length > 0 ? classNames : ConfusionMatrix.defaultNames(scores.size(1));
    return ConfusionMatrix.of(scores.argmax(1).toIntArray(), labels.toIntArray(), names);
  }
}
