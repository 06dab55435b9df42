package dl.nn;

import dl.tensor.Tensor;

/** tanh(x): squashes to (−1, 1), zero-centred; saturates like the sigmoid. */
public final class Tanh extends Module {
  @Override
  public Tensor forward(Tensor x) {
    return x.tanh();
  }
}
