package dl.data;

import dl.Check;
import dl.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A data set as published: a training and a test part (and, once you ask for one, a validation part
 * carved out of the training part only), with its class names. {@link Datasets#mnist()} and friends
 * return one.
 *
 * <pre>{@code
 * jshell> var mnist = Datasets.mnist().withValidation(0.1, 42);
 * mnist ==> MNIST: train 54000, val 6000, test 10000, input [1,28,28], 10 classes
 * jshell> var fast = Datasets.mnist().subset(2000, 500);   // first 2000 train, first 500 test
 * }</pre>
 */
public final class DataSplits {
  private final String name;
  private final TensorDataset train, val, test;
  private final List<String> classNames;

  /** Train and test parts (no validation part yet); the class names come from {@code train}. */
  public DataSplits(String name, TensorDataset train, TensorDataset test) {
    this(name, train, null, test);
  }

  private DataSplits(String name, TensorDataset train, TensorDataset val, TensorDataset test) {
    if (!Arrays.equals(train.inputShape(), test.inputShape())) {
      throw Check.badArgument(
          name,
          "train inputs %s and test inputs %s differ",
          Shape.of(train.inputShape()),
          Shape.of(test.inputShape()));
    }
    this.name = name;
    this.train = train;
    this.val = val;
    this.test = test;
    this.classNames = train.classNames();
  }

  /** The data set's name, e.g. "MNIST". */
  public String name() {
    return name;
  }

  /** The training examples (without the validation ones, after {@link #withValidation}). */
  public TensorDataset train() {
    return train;
  }

  /** The test examples: for the final evaluation only, never for choosing hyperparameters. */
  public TensorDataset test() {
    return test;
  }

  /** The validation examples; fails unless made by {@link #withValidation}. */
  public TensorDataset val() {
    if (val == null)
      throw new IllegalStateException(
          name + " has no validation part: call withValidation(fraction, seed) first");
    return val;
  }

  /** Whether a validation part has been split off. */
  public boolean hasVal() {
    return val != null;
  }

  /** Class names; index i names class i. */
  public List<String> classNames() {
    return classNames;
  }

  /** Number of classes. */
  public int numClasses() {
    return classNames.isEmpty() ? train.numClasses() : classNames.size();
  }

  /** Shape of one input, e.g. [1, 28, 28]. */
  public int[] inputShape() {
    return train.inputShape();
  }

  /**
   * Moves a seeded random {@code fraction} of the training examples into a validation part. The
   * test part is untouched, so nothing about it leaks into model selection.
   */
  public DataSplits withValidation(double fraction, long seed) {
    if (val != null)
      throw new IllegalStateException(
          name + " already has a validation part (" + val.size() + " examples)");
    TensorDataset.Split s = train.split(fraction, seed);
    return new DataSplits(name, s.train(), s.val(), test);
  }

  /**
   * The first {@code nTrain} training and {@code nTest} test examples (fewer if a part is smaller;
   * validation: at most nTest).
   */
  public DataSplits subset(int nTrain, int nTest) {
    return new DataSplits(
        name,
        train.subset(Math.min(nTrain, train.size())),
        val == null ? null : val.subset(Math.min(nTest, val.size())),
        test.subset(Math.min(nTest, test.size())));
  }

  /**
   * {@link #subset(int, int)} keeping train:test proportions, e.g. {@code subset(6000)} on MNIST
   * gives 6000 / 1000.
   */
  public DataSplits subset(int nTrain) {
    int nTest = (int) Math.round((double) nTrain * test.size() / Math.max(1, train.size()));
    return subset(nTrain, Math.max(1, nTest));
  }

  @Override
  public String toString() {
    return name
        + ": train "
        + train.size()
        + (val != null ? ", val " + val.size() : "")
        + ", test "
        + test.size()
        + ", input "
        + Shape.of(train.inputShape())
        + (numClasses() > 0 ? ", " + numClasses() + " classes" : "");
  }
}
