package dl.data;

import dl.tensor.Tensor;

/**
 * A function applied to a whole batch of inputs (or targets) as a {@link DataLoader} makes it:
 * normalisation, flattening, and augmentations such as random flips. Batches rather than single
 * examples, so a transform is one tensor operation instead of N small ones.
 *
 * <pre>{@code
 * jshell> Transform t = Transforms.normalize(0.1307, 0.3081).andThen(Transforms.flatten());
 * jshell> t.apply(Tensor.zeros(64, 1, 28, 28)).shape()
 * $2 ==> [64,784]
 * }</pre>
 */
@FunctionalInterface
public interface Transform {
  /**
   * The transformed batch. Shape: x [N, ...] in, [N, ...] out (the rest may change, e.g. flatten).
   */
  Tensor apply(Tensor x);

  /** This transform, then {@code next}. */
  default Transform andThen(Transform next) {
    return x -> next.apply(apply(x));
  }

  /** The transform that returns its input. */
  static Transform identity() {
    return x -> x;
  }
}
