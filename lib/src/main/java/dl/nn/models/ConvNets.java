package dl.nn.models;

import dl.nn.Conv2d;
import dl.nn.Dropout;
import dl.nn.Flatten;
import dl.nn.Linear;
import dl.nn.LocalResponseNorm;
import dl.nn.MaxPool2d;
import dl.nn.Module;
import dl.nn.ReLU;
import dl.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The AlexNet and VGG ideas at a size this course can train on 28×28 or 32×32 images. Both return
 * plain {@link Sequential}s, so layers can be removed for the "why deep" ablation.
 */
public final class ConvNets {
  private ConvNets() {}

  /**
   * AlexNet-style (Krizhevsky et al. 2012), scaled down: large first filters, ReLU, local response
   * normalisation, overlapping 3×3/2 max pooling, five convolutions, dropout in the classifier.
   * Shape: [N, channels, size, size] → [N, classes].
   */
  public static Sequential alexNetSmall(int channels, int size, int classes) {
    int s = pooled(pooled(pooled(size)));
    return Sequential.of(
        new Conv2d(channels, 32, 5).padding(2),
        new ReLU(),
        new LocalResponseNorm(5),
        new MaxPool2d(3).stride(2).padding(1),
        new Conv2d(32, 64, 5).padding(2),
        new ReLU(),
        new LocalResponseNorm(5),
        new MaxPool2d(3).stride(2).padding(1),
        new Conv2d(64, 96, 3).padding(1),
        new ReLU(),
        new Conv2d(96, 96, 3).padding(1),
        new ReLU(),
        new Conv2d(96, 64, 3).padding(1),
        new ReLU(),
        new MaxPool2d(3).stride(2).padding(1),
        new Flatten(),
        new Dropout(0.5),
        new Linear(64 * s * s, 256),
        new ReLU(),
        new Dropout(0.5),
        new Linear(256, classes));
  }

  /** Output size of a 3×3, stride-2, padding-1 max pool. */
  private static int pooled(int size) {
    return (size + 2 - 3) / 2 + 1;
  }

  /**
   * VGG-style (Simonyan &amp; Zisserman 2015): only 3×3 convolutions, stacked two per stage, with
   * 2×2 max pooling between stages; two 3×3 layers see as far as one 5×5 with fewer weights. {@code
   * widths} gives each stage's channels, e.g. {32, 64, 128}.
   */
  public static Sequential vggSmall(int channels, int size, int classes, int... widths) {
    List<Module> layers = new ArrayList<>();
    int in = channels, s = size;
    for (int w : widths) {
      layers.add(new Conv2d(in, w, 3).padding(1));
      layers.add(new ReLU());
      layers.add(new Conv2d(w, w, 3).padding(1));
      layers.add(new ReLU());
      layers.add(new MaxPool2d(2));
      in = w;
      s /= 2;
    }
    layers.add(new Flatten());
    layers.add(new Linear(in * s * s, 128));
    layers.add(new ReLU());
    layers.add(new Dropout(0.5));
    layers.add(new Linear(128, classes));
    return Sequential.of(layers.toArray(new Module[0]));
  }
}
