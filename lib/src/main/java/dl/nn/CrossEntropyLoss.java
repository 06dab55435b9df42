package dl.nn;

import dl.nn.functional.F;
import dl.tensor.Tensor;

/**
 * Cross-entropy on logits, fused with log-softmax; targets are class indices [N] or one-hot [N, C].
 */
public final class CrossEntropyLoss implements Loss {
  @Override
  public Tensor forward(Tensor prediction, Tensor target) {
    return F.crossEntropy(prediction, target);
  }

  @Override
  public String toString() {
    return "CrossEntropyLoss()";
  }
}
