package dl.nn.models;

import dl.nn.BatchNorm2d;
import dl.nn.Conv2d;
import dl.nn.Module;
import dl.nn.Sequential;
import dl.tensor.Tensor;

/**
 * The ResNet basic block (He et al. 2016): two 3×3 convolutions with batch norm, plus a shortcut,
 * so the block learns a residual F(x) and outputs relu(F(x) + x). When the block halves the image
 * or changes the channel count, the shortcut is a 1×1 convolution with the same stride.
 *
 * <p>Shape: [N, in, H, W] → [N, out, H/stride, W/stride].
 */
public final class BasicBlock extends Module {
  private final Sequential residual;
  private final Module shortcut;
  private final String text;

  public BasicBlock(int in, int out, int stride) {
    residual =
        child(
            "residual",
            Sequential.of(
                new Conv2d(in, out, 3).stride(stride).padding(1).bias(false),
                new BatchNorm2d(out),
                new dl.nn.ReLU(),
                new Conv2d(out, out, 3).padding(1).bias(false),
                new BatchNorm2d(out)));
    shortcut =
        stride == 1 && in == out
            ? null
            : child(
                "shortcut",
                Sequential.of(
                    new Conv2d(in, out, 1).stride(stride).bias(false), new BatchNorm2d(out)));
    text = "BasicBlock(" + in + " -> " + out + (stride == 1 ? "" : ", stride " + stride) + ")";
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor identity = shortcut == null ? x : shortcut.forward(x);
    return residual.forward(x).add(identity).relu(); // the residual add
  }

  @Override
  protected String describe() {
    return text;
  }
}
