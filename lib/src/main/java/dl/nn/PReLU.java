package dl.nn;

import dl.nn.functional.F;
import dl.tensor.Tensor;

/**
 * Parametric ReLU (He et al. 2015): x for x &gt; 0, a·x otherwise, with a learned; one slope
 * shared, or one per channel (axis 1). Starts at a = 0.25.
 */
public final class PReLU extends Module {
  private final Tensor slope;
  private final int count;

  public PReLU() {
    this(1);
  }

  public PReLU(int channels) {
    this.count = channels;
    this.slope = param("weight", Tensor.full(dl.DType.FLOAT32, 0.25, channels));
  }

  public Tensor slope() {
    return slope;
  }

  @Override
  public Tensor forward(Tensor x) {
    return F.prelu(x, slope);
  }

  @Override
  protected String describe() {
    return "PReLU(" + count + ")";
  }
}
