package dl.nn;

import dl.Check;
import dl.nn.functional.F;
import dl.tensor.Tensor;

/**
 * A fully connected layer: y = x·Wᵀ + b.
 *
 * <p>Shape: input [N, in] (or [..., in]), weight [out, in], bias [out], output [N, out]. Weights
 * start from Kaiming (He) uniform, suited to the ReLU networks of the course; bias starts at 0.
 */
public final class Linear extends Module {
  private final int in, out;
  private final Tensor weight;
  private final Tensor bias;

  public Linear(int in, int out) {
    this(in, out, true);
  }

  public Linear(int in, int out, boolean withBias) {
    if (in <= 0 || out <= 0)
      throw Check.badArgument("Linear", "sizes must be positive, got in=%s out=%s", in, out);
    this.in = in;
    this.out = out;
    this.weight = param("weight", Init.kaimingUniform(in, out, in));
    this.bias = withBias ? param("bias", Tensor.zeros(out)) : null;
  }

  public Tensor weight() {
    return weight;
  }

  /** The bias, or null when built without one. */
  public Tensor bias() {
    return bias;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.dim() == 0 || x.size(-1) != in) {
      throw new IllegalArgumentException(
          "Linear(" + in + " -> " + out + "): expected input [..., " + in + "], got " + x.shape());
    }
    return F.linear(x, weight, bias);
  }

  @Override
  protected String describe() {
    return "Linear(" + in + " -> " + out + (bias == null ? ", no bias" : "") + ")";
  }
}
