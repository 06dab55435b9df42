package dl.nn;

import dl.nn.functional.F;
import dl.tensor.Tensor;

/** The Rosenblatt perceptron's threshold: 1 where x &gt; 0, else 0 (no useful gradient). */
public final class Step extends Module {
  @Override
  public Tensor forward(Tensor x) {
    return F.step(x);
  }
}
