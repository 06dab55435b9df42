package dl.nn;

import dl.tensor.Tensor;

/** Returns its input: a linear activation, or a placeholder in a model. */
public final class Identity extends Module {
  @Override
  public Tensor forward(Tensor x) {
    return x;
  }
}
