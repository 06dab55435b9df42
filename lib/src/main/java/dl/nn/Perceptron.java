package dl.nn;

import dl.Check;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Rosenblatt's perceptron: ŷ = step(w·x + b), trained one sample at a time with the classic rule w
 * ← w + η (y − ŷ) x, b ← b + η (y − ŷ). No gradients are involved: the rule only moves the weights
 * when a sample is misclassified. It converges when the classes are linearly separable and never
 * does otherwise (XOR).
 */
public final class Perceptron {
  private final double[] w;
  private double b;
  private final double learningRate;
  private final List<Integer> errorsPerEpoch = new ArrayList<>();

  /** Starts from w = 0, b = 0. */
  public Perceptron(int inputs, double learningRate) {
    if (inputs <= 0)
      throw new IllegalArgumentException("Perceptron: inputs must be positive, got " + inputs);
    this.w = new double[inputs];
    this.learningRate = learningRate;
  }

  /**
   * Runs up to {@code maxEpochs} passes over the samples in order, stopping after the first epoch
   * without mistakes. Shape: x [N, inputs], y [N] with values 0 or 1. Returns whether it converged.
   */
  public boolean fit(Tensor x, Tensor y, int maxEpochs) {
    if (x.dim() != 2 || x.size(1) != w.length || y.dim() != 1 || y.size(0) != x.size(0)) {
      throw Check.badArgument(
          "Perceptron.fit",
          "expected x [N, %s] and y [N], got %s and %s",
          w.length,
          x.shape(),
          y.shape());
    }
    double[] xs = x.toDoubleArray(), ys = y.toDoubleArray();
    for (double label : ys) {
      if (label != 0 && label != 1)
        throw new IllegalArgumentException("Perceptron.fit: labels must be 0 or 1, got " + label);
    }
    int n = ys.length, d = w.length;
    for (int epoch = 0; epoch < maxEpochs; epoch++) {
      int errors = 0;
      for (int i = 0; i < n; i++) {
        double yHat = predictOne(xs, i * d);
        double delta = learningRate * (ys[i] - yHat); // 0 when right, ±η when wrong
        if (delta != 0) {
          errors++;
          for (int j = 0; j < d; j++) w[j] += delta * xs[i * d + j];
          b += delta;
        }
      }
      errorsPerEpoch.add(errors);
      if (errors == 0) return true;
    }
    return false;
  }

  private double predictOne(double[] xs, int offset) {
    double z = b;
    for (int j = 0; j < w.length; j++) z += w[j] * xs[offset + j];
    return z > 0 ? 1 : 0;
  }

  /** ŷ = step(x·w + b). Shape: x [N, inputs] → [N]. */
  public Tensor predict(Tensor x) {
    return x.matmul(weights()).add(b).gt(0);
  }

  /** A copy of the weights w. */
  public Tensor weights() {
    return Tensor.fromArray(w.clone(), w.length).float32();
  }

  public double bias() {
    return b;
  }

  /** Number of mistakes in each epoch so far. */
  public List<Integer> errorsPerEpoch() {
    return List.copyOf(errorsPerEpoch);
  }
}
