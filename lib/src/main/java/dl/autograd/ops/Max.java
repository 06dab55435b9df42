package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.ReduceOp;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * z = max a over some axes. The gradient flows only to the element(s) that were the maximum; on
 * ties it is shared equally (as PyTorch's amax does).
 */
public final class Max extends Function {
  private final int[] axes;
  private final boolean keepDim;

  public Max(int[] axes, boolean keepDim) {
    this.axes = axes.clone();
    this.keepDim = keepDim;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor z = TensorMath.reduce(ReduceOp.MAX, in[0], axes, keepDim);
    save(in[0], z);
    return z;
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor a = saved(0);
    Tensor zKept = Reductions.keepDims(saved(1), a.shape(), axes, keepDim);
    Tensor isMax = a.eq(zKept);
    Tensor share = isMax.div(isMax.sum(axes, true));
    return new Tensor[] {share.mul(Reductions.keepDims(g, a.shape(), axes, keepDim))};
  }
}
