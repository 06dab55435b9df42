package dl.nn;

import dl.tensor.Tensor;

/** A loss: compares predictions with targets and returns a scalar to minimise. */
@FunctionalInterface
public interface Loss {
  Tensor forward(Tensor prediction, Tensor target);
}
