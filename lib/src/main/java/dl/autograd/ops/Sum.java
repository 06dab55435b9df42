package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.ReduceOp;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/** z = Σ a over some axes. ∂z/∂aᵢ = 1 for every summed element: backward copies g back out. */
public final class Sum extends Function {
  private final int[] axes;
  private final boolean keepDim;
  private Shape inputShape;

  public Sum(int[] axes, boolean keepDim) {
    this.axes = axes.clone();
    this.keepDim = keepDim;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    inputShape = in[0].shape();
    return TensorMath.reduce(ReduceOp.SUM, in[0], axes, keepDim);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    return new Tensor[] {
      Reductions.keepDims(g, inputShape, axes, keepDim).expand(inputShape.toArray())
    };
  }
}
