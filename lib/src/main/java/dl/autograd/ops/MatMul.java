package dl.autograd.ops;

import dl.autograd.Function;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * Z = A·B. ∂L/∂A = ∂L/∂Z · Bᵀ and ∂L/∂B = Aᵀ · ∂L/∂Z on the last two axes; batch axes ride along
 * and the engine sums gradients over broadcast batches. A 1-D operand is lifted to a matrix (a row
 * on the left, a column on the right), exactly as forward lifts it.
 */
public final class MatMul extends Function {
  private Shape liftedOut;

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor a = in[0], b = in[1];
    save(a, b);
    Tensor z = TensorMath.matmul(a, b);
    // The shape backward works in: the output with the axes a 1-D operand dropped put back.
    java.util.List<Integer> dims = new java.util.ArrayList<>();
    for (int d : z.shape().toArray()) dims.add(d);
    if (b.dim() == 1) dims.add(1);
    if (a.dim() == 1) dims.add(dims.size() - 1, 1);
    liftedOut = Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
    return z;
  }

  private static Tensor lift(Tensor t, boolean left) {
    if (t.dim() != 1) return t;
    return left ? t.reshape(1, t.shape().get(0)) : t.reshape(t.shape().get(0), 1);
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    Tensor a = lift(saved(0), true), b = lift(saved(1), false);
    Tensor gz = g.reshape(liftedOut.toArray());
    Tensor ga =
        needsGrad(0)
            ? gz.matmul(b.transpose(-1, -2))
                .sumToShape(a.shape())
                .reshape(saved(0).shape().toArray())
            : null;
    Tensor gb =
        needsGrad(1)
            ? a.transpose(-1, -2)
                .matmul(gz)
                .sumToShape(b.shape())
                .reshape(saved(1).shape().toArray())
            : null;
    return new Tensor[] {ga, gb};
  }
}
