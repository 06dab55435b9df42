package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.BinaryOp;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * log softmax(a)ᵢ = aᵢ − log Σⱼ exp(aⱼ) along one axis. ∂/∂a = g − softmax(a) · Σ g.
 *
 * <p>NOTE: its own primitive for numerical stability. Subtracting the max m first, aᵢ − m − log Σ
 * exp(aⱼ − m), keeps every exp ≤ 1, so logits of ±1000 give finite values; the composed version
 * would compute exp(1000) = ∞.
 */
public final class LogSoftmaxOp extends Function {
  private final int axis;

  public LogSoftmaxOp(int axis) {
    this.axis = axis;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor a = in[0];
    int[] ax = {axis};
    Tensor shifted =
        TensorMath.binary(BinaryOp.SUB, a, TensorMath.reduce(ReduceOp.MAX, a, ax, true));
    Tensor sumExp =
        TensorMath.reduce(ReduceOp.SUM, TensorMath.unary(UnaryOp.EXP, shifted), ax, true);
    Tensor out = TensorMath.binary(BinaryOp.SUB, shifted, TensorMath.unary(UnaryOp.LOG, sumExp));
    save(out);
    return out;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor softmax = saved(0).exp();
    return new Tensor[] {g.sub(softmax.mul(g.sum(new int[] {axis}, true)))};
  }
}
