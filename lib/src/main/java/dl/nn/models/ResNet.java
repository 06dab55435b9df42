package dl.nn.models;

import dl.Check;
import dl.nn.AdaptiveAvgPool2d;
import dl.nn.BatchNorm2d;
import dl.nn.Conv2d;
import dl.nn.Flatten;
import dl.nn.Linear;
import dl.nn.MaxPool2d;
import dl.nn.Module;
import dl.nn.ReLU;
import dl.nn.Sequential;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Residual networks: a stem, stages of residual blocks (each stage after the first halves the image
 * and doubles the channels), global average pooling and one linear layer.
 *
 * <pre>{@code
 * var net = ResNet.small(1, 10, 3);   // ResNet-20 style for 28×28 / 32×32 images
 * var big = ResNet.resnet18(3, 1000); // the ImageNet ResNet-18
 * }</pre>
 */
public final class ResNet extends Module {
  private final Sequential body;
  private final String name;

  private ResNet(String name, Sequential body) {
    this.name = name;
    this.body = child("body", body);
  }

  /**
   * ResNet-18 (He et al. 2016): a 7×7 stride-2 stem and max pool, then four stages of two basic
   * blocks with 64, 128, 256, 512 channels. Shape: [N, channels, H, W] (224×224 in the paper) → [N,
   * classes].
   */
  public static ResNet resnet18(int channels, int classes) {
    List<Module> layers =
        new ArrayList<>(
            List.of(
                new Conv2d(channels, 64, 7).stride(2).padding(3).bias(false),
                new BatchNorm2d(64),
                new ReLU(),
                new MaxPool2d(3).stride(2).padding(1)));
    int in = 64;
    for (int stage = 0; stage < 4; stage++) {
      int out = 64 << stage;
      layers.add(new BasicBlock(in, out, stage == 0 ? 1 : 2));
      layers.add(new BasicBlock(out, out, 1));
      in = out;
    }
    layers.add(new AdaptiveAvgPool2d(1));
    layers.add(new Flatten());
    layers.add(new Linear(512, classes));
    return new ResNet("ResNet-18", Sequential.of(layers.toArray(new Module[0])));
  }

  /**
   * A small ResNet for 28×28 or 32×32 images (the CIFAR ResNets of the paper): a 3×3 stem with 16
   * channels, three stages of {@code blocksPerStage} basic blocks with 16, 32, 64 channels, global
   * average pooling. Depth 6·blocksPerStage + 2 (3 gives ResNet-20).
   */
  public static ResNet small(int channels, int classes, int blocksPerStage) {
    return small(channels, classes, blocksPerStage, 16);
  }

  /** Like {@link #small(int, int, int)} with {@code width} channels in the first stage. */
  public static ResNet small(int channels, int classes, int blocksPerStage, int width) {
    if (blocksPerStage <= 0)
      throw Check.badArgument(
          "ResNet.small", "blocks per stage must be positive, got %s", blocksPerStage);
    List<Module> layers =
        new ArrayList<>(
            List.of(
                new Conv2d(channels, width, 3).padding(1).bias(false),
                new BatchNorm2d(width),
                new ReLU()));
    int in = width;
    for (int stage = 0; stage < 3; stage++) {
      int out = width << stage;
      for (int b = 0; b < blocksPerStage; b++) {
        layers.add(new BasicBlock(in, out, stage > 0 && b == 0 ? 2 : 1));
        in = out;
      }
    }
    layers.add(new AdaptiveAvgPool2d(1));
    layers.add(new Flatten());
    layers.add(new Linear(in, classes));
    return new ResNet(
        "ResNet-" + (6 * blocksPerStage + 2), Sequential.of(layers.toArray(new Module[0])));
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.dim() != 4)
      throw new IllegalArgumentException(name + ": expected input [N, C, H, W], got " + x.shape());
    return body.forward(x);
  }

  @Override
  protected String describe() {
    return name;
  }
}
