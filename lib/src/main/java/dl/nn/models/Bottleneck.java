package dl.nn.models;

import dl.nn.BatchNorm2d;
import dl.nn.Conv2d;
import dl.nn.Module;
import dl.nn.ReLU;
import dl.nn.Sequential;
import dl.tensor.Tensor;

/**
 * The ResNet bottleneck block used from ResNet-50 on: a 1×1 convolution squeezes the channels to
 * {@code mid}, a 3×3 works on the thin tensor, and a 1×1 expands to 4·mid, which is far cheaper
 * than two 3×3 convolutions at full width. Output relu(F(x) + shortcut(x)).
 *
 * <p>Shape: [N, in, H, W] → [N, 4·mid, H/stride, W/stride].
 */
public final class Bottleneck extends Module {
  public static final int EXPANSION = 4;
  private final Sequential residual;
  private final Module shortcut;
  private final String text;

  public Bottleneck(int in, int mid, int stride) {
    int out = mid * EXPANSION;
    residual =
        child(
            "residual",
            Sequential.of(
                new Conv2d(in, mid, 1).bias(false),
                new BatchNorm2d(mid),
                new ReLU(),
                new Conv2d(mid, mid, 3).stride(stride).padding(1).bias(false),
                new BatchNorm2d(mid),
                new ReLU(),
                new Conv2d(mid, out, 1).bias(false),
                new BatchNorm2d(out)));
    shortcut =
        stride == 1 && in == out
            ? null
            : child(
                "shortcut",
                Sequential.of(
                    new Conv2d(in, out, 1).stride(stride).bias(false), new BatchNorm2d(out)));
    text =
        "Bottleneck("
            + in
            + " -> "
            + mid
            + " -> "
            + out
            + (stride == 1 ? "" : ", stride " + stride)
            + ")";
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor identity = shortcut == null ? x : shortcut.forward(x);
    return residual.forward(x).add(identity).relu();
  }

  @Override
  protected String describe() {
    return text;
  }
}
