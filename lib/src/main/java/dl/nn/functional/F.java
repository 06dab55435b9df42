package dl.nn.functional;

import dl.Check;
import dl.autograd.NoGrad;
import dl.tensor.Tensor;

/**
 * Stateless functions the layers call: activations, the linear map and the losses, each composed
 * from differentiable tensor ops so autograd provides the backward pass.
 */
public final class F {
  private F() {}

  /** y = x·Wᵀ + b. Shape: x [..., in], weight [out, in], bias [out] or null → [..., out]. */
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    Tensor y = x.matmul(weight.t());
    return bias == null ? y : y.add(bias);
  }

  /**
   * The perceptron's step: 1 where x &gt; 0, else 0. Not differentiable (its derivative is 0 almost
   * everywhere).
   */
  public static Tensor step(Tensor x) {
    return x.gt(0);
  }

  /** max(x, slope·x) for 0 ≤ slope &lt; 1. */
  public static Tensor leakyRelu(Tensor x, double slope) {
    return Tensor.where(x.gt(0), x, x.mul(slope));
  }

  /**
   * PReLU: like leaky ReLU but the slope a is learned; a has one value or one per channel (axis 1).
   */
  public static Tensor prelu(Tensor x, Tensor a) {
    Tensor slope = a;
    if (a.numel() > 1) {
      if (x.dim() < 2 || x.size(1) != a.numel()) {
        throw Check.badArgument(
            "prelu", "%s slopes need input [N, %s, ...], got %s", a.numel(), a.numel(), x.shape());
      }
      int[] shape = new int[x.dim()];
      java.util.Arrays.fill(shape, 1);
      shape[1] = a.numel();
      slope = a.reshape(shape);
    }
    return Tensor.where(x.gt(0), x, x.mul(slope));
  }

  // ------------------------------------------------------------------ losses

  /** Mean squared error: mean((pred − target)²). */
  public static Tensor mseLoss(Tensor pred, Tensor target) {
    sameShape("mseLoss", pred, target);
    return pred.sub(target).square().mean();
  }

  /**
   * Binary cross-entropy on probabilities: −mean(y·log p + (1 − y)·log(1 − p)). Probabilities are
   * clamped to [1e-7, 1 − 1e-7] so a confident wrong answer costs a lot instead of infinity; prefer
   * {@link #binaryCrossEntropyWithLogits} when you have the scores.
   */
  public static Tensor binaryCrossEntropy(Tensor prob, Tensor target) {
    sameShape("binaryCrossEntropy", prob, target);
    if (prob.numel() > 0) {
      double lo, hi;
      try (NoGrad scope = NoGrad.enter()) {
        lo = prob.min().item();
        hi = prob.max().item();
      }
      // NOTE: without this check a probability of 1.5 is clamped to 1 − 1e-7 and gives a tiny,
      // plausible loss (PyTorch checks the same: "all elements of input should be between 0 and
      // 1").
      if (!(lo >= 0 && hi <= 1)) {
        throw Check.badArgument(
            "binaryCrossEntropy",
            "probabilities must be in [0, 1], got values in [%s, %s]; apply sigmoid first, or pass the scores to binaryCrossEntropyWithLogits",
            lo,
            hi);
      }
    }
    Tensor p = prob.clamp(1e-7, 1 - 1e-7);
    return target.mul(p.log()).add(target.neg().add(1).mul(p.neg().add(1).log())).mean().neg();
  }

  /**
   * softplus(z) = log(1 + eᶻ), a smooth ReLU whose derivative is the sigmoid. Computed as
   * log-sum-exp of (0, z), which never overflows and has the right gradient everywhere, including
   * at 0.
   */
  public static Tensor softplus(Tensor z) {
    return Tensor.stack(0, Tensor.zerosLike(z), z).logSumExp(0, false);
  }

  /**
   * Binary cross-entropy on scores z (before the sigmoid): −[y·log σ(z) + (1 − y)·log(1 − σ(z))],
   * which simplifies to softplus(z) − z·y. Its gradient is σ(z) − y, and nothing overflows.
   */
  public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
    sameShape("binaryCrossEntropyWithLogits", logits, target);
    return softplus(logits).sub(logits.mul(target)).mean();
  }

  /**
   * Cross-entropy on logits: −mean log softmax(z)[y].
   *
   * <p>Targets are either class indices, shape [N] with integer values in [0, C), or per-class
   * probabilities (one-hot), shape [N, C]. Uses the log-softmax primitive, so logits of ±1000 give
   * a finite loss and the gradient softmax(z) − y.
   *
   * <p>Per-pixel (segmentation) form, as in PyTorch: logits [N, C, d1, ...] with class-index
   * targets [N, d1, ...]; the softmax runs over axis 1 and the mean over every position of every
   * sample.
   *
   * <p>Shape: logits [N, C] (targets [N] or [N, C]), or [N, C, d1, ...] (targets [N, d1, ...]).
   */
  public static Tensor crossEntropy(Tensor logits, Tensor target) {
    if (logits.dim() > 2) return crossEntropyPerPosition(logits, target);
    if (logits.dim() != 2)
      throw Check.badArgument(
          "crossEntropy", "expected logits [N, C] or [N, C, d1, ...], got %s", logits.shape());
    int n = logits.size(0), c = logits.size(1);
    Tensor logProb = logits.logSoftmax(1);
    if (target.dim() == 2) {
      if (!target.shape().equals(logits.shape())) {
        throw Check.badArgument(
            "crossEntropy",
            "logits %s and one-hot targets %s differ",
            logits.shape(),
            target.shape());
      }
      return logProb.mul(target).sum(1).mean().neg();
    }
    if (target.dim() != 1 || target.size(0) != n) {
      throw Check.badArgument(
          "crossEntropy",
          "logits %s and targets %s: expected targets [%s] (class indices) or [%s, %s] (one-hot)%s",
          logits.shape(),
          target.shape(),
          n,
          n,
          c,
          (target.dim() == 1 ? "; batch sizes " + n + " and " + target.size(0) + " differ" : ""));
    }
    checkLabels("crossEntropy", target, c);
    return logProb.gather(1, target.reshape(n, 1)).mean().neg();
  }

  /** Logits [N, C, d1, ...], class indices [N, d1, ...]: the mean over all N·d1·... positions. */
  private static Tensor crossEntropyPerPosition(Tensor logits, Tensor target) {
    int[] ls = logits.shape().toArray();
    int[] expected = new int[ls.length - 1];
    expected[0] = ls[0];
    System.arraycopy(ls, 2, expected, 1, ls.length - 2);
    if (!java.util.Arrays.equals(target.shape().toArray(), expected)) {
      throw Check.badArgument(
          "crossEntropy",
          "logits %s need class-index targets %s (the logits' shape without the class axis 1), got %s",
          logits.shape(),
          dl.tensor.Shape.of(expected),
          target.shape());
    }
    checkLabels("crossEntropy", target, ls[1]);
    return logits.logSoftmax(1).gather(1, target.unsqueeze(1)).mean().neg();
  }

  /** Fails with the position and value of the first label outside [0, classes). */
  public static void checkLabels(String op, Tensor labels, int classes) {
    double[] y = labels.toDoubleArray();
    for (int i = 0; i < y.length; i++) {
      if (y[i] != Math.rint(y[i]) || y[i] < 0 || y[i] >= classes) {
        throw Check.badArgument(
            op, "label %s at position %s is not a class index in [0, %s)", y[i], i, classes);
      }
    }
  }

  private static void sameShape(String op, Tensor a, Tensor b) {
    if (!a.shape().equals(b.shape())) {
      throw Check.badArgument(
          op, "prediction %s and target %s shapes differ", a.shape(), b.shape());
    }
  }
}
