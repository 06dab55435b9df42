package dl.nn;

import dl.nn.functional.Pool;
import dl.tensor.Tensor;

/**
 * Average pooling to a fixed output size whatever the input size; {@code new AdaptiveAvgPool2d(1)}
 * is the global average pooling that ends a ResNet.
 */
public final class AdaptiveAvgPool2d extends Module {
  private final int outH, outW;

  public AdaptiveAvgPool2d(int size) {
    this(size, size);
  }

  public AdaptiveAvgPool2d(int outH, int outW) {
    this.outH = outH;
    this.outW = outW;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Pool.adaptiveAvgPool2d(x, outH, outW);
  }

  @Override
  protected String describe() {
    return "AdaptiveAvgPool2d(" + outH + "x" + outW + ")";
  }
}
