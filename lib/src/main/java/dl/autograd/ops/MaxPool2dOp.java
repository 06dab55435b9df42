package dl.autograd.ops;

import dl.autograd.Function;
import dl.backend.ConvGeometry;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;

/**
 * Max pooling over 2-D windows. Forward remembers where each maximum was (the argmax); backward
 * sends each output's gradient to exactly that input position, and zero everywhere else.
 */
public final class MaxPool2dOp extends Function {
  private final ConvGeometry geometry;
  private Tensor indices;

  public MaxPool2dOp(ConvGeometry geometry) {
    this.geometry = geometry;
  }

  /** The argmax positions of the last forward (flat ih·W + iw per plane), for MaxUnpool2d. */
  public Tensor indices() {
    return indices;
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor[] result = TensorMath.maxPool2d(in[0], geometry);
    indices = result[1];
    return result[0];
  }

  @Override
  protected Tensor[] backward(Tensor g) {
    int n = geometry.n(), c = geometry.c();
    Tensor flatGrad = TensorMath.contiguous(g).reshape(n, c, -1);
    Tensor grad =
        TensorMath.scatterAdd(
            dl.tensor.Shape.of(n, c, geometry.h() * geometry.w()),
            2,
            indices.reshape(n, c, -1),
            flatGrad);
    return new Tensor[] {grad.reshape(n, c, geometry.h(), geometry.w())};
  }
}
