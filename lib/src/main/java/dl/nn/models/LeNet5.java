package dl.nn.models;

import dl.nn.Conv2d;
import dl.nn.Flatten;
import dl.nn.Linear;
import dl.nn.MaxPool2d;
import dl.nn.Module;
import dl.nn.ReLU;
import dl.nn.Sequential;
import dl.tensor.Tensor;

/**
 * LeNet-5 (LeCun et al. 1998) for 28×28 digits, with today's ReLU and max pooling: two convolution
 * + pooling stages that turn a digit into 16 feature maps of 5×5, then three fully connected
 * layers. About 61,700 parameters.
 *
 * <p>Shape: [N, 1, 28, 28] → [N, 10] class scores.
 */
public final class LeNet5 extends Module {
  private final Sequential features, classifier;

  public LeNet5() {
    this(1, 10);
  }

  public LeNet5(int channels, int classes) {
    features =
        child(
            "features",
            Sequential.of(
                new Conv2d(channels, 6, 5).padding(2),
                new ReLU(),
                new MaxPool2d(2), // 6 × 14 × 14
                new Conv2d(6, 16, 5),
                new ReLU(),
                new MaxPool2d(2))); // 16 × 5 × 5
    classifier =
        child(
            "classifier",
            Sequential.of(
                new Flatten(),
                new Linear(16 * 5 * 5, 120),
                new ReLU(),
                new Linear(120, 84),
                new ReLU(),
                new Linear(84, classes)));
  }

  /** The convolutional part, for looking at feature maps. */
  public Sequential features() {
    return features;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.dim() != 4 || x.size(2) != 28 || x.size(3) != 28) {
      throw new IllegalArgumentException("LeNet5: expected input [N, C, 28, 28], got " + x.shape());
    }
    return classifier.forward(features.forward(x));
  }

  @Override
  protected String describe() {
    return "LeNet5";
  }
}
