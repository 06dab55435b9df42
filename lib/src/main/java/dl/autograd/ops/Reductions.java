package dl.autograd.ops;

import dl.tensor.Shape;
import dl.tensor.Tensor;

/** Shared by the reductions' backward passes. */
final class Reductions {
  private Reductions() {}

  /** Puts back the size-1 axes a reduction removed, so g broadcasts against the input again. */
  static Tensor keepDims(Tensor g, Shape input, int[] axes, boolean keepDim) {
    if (keepDim) return g;
    int[] dims = input.toArray();
    for (int a : axes) dims[input.axis("reduce", a)] = 1;
    return g.reshape(dims);
  }
}
