package dl.vision;

import dl.Check;
import dl.tensor.Tensor;

/**
 * Scores for semantic segmentation, where every pixel gets a class: the per-class intersection over
 * union of predicted and true masks, and its mean.
 *
 * <pre>{@code
 * jshell> Segmentation.meanIoU(Tensor.of(0, 0, 1, 1), Tensor.of(0, 1, 1, 1), 2)
 * $1 ==> 0.5833333333333333          // class 0: 1/2, class 1: 2/3
 * }</pre>
 */
public final class Segmentation {
  private Segmentation() {}

  /**
   * Per class c: |pred = c and truth = c| / |pred = c or truth = c|, NaN for a class that appears
   * in neither. Shape: predicted and truth hold class indices, any equal number of elements (e.g.
   * [N, H, W]; take {@code logits.argmax(1)} for a network's output).
   */
  public static double[] iou(Tensor predicted, Tensor truth, int classes) {
    if (predicted.numel() != truth.numel())
      throw Check.badArgument(
          "iou",
          "predicted %s and truth %s have different numbers of pixels",
          predicted.shape(),
          truth.shape());
    if (classes < 1) throw new IllegalArgumentException("iou: classes must be >= 1: " + classes);
    int[] p = predicted.toIntArray();
    int[] t = truth.toIntArray();
    long[] inter = new long[classes];
    long[] union = new long[classes];
    for (int i = 0; i < p.length; i++) {
      check(p[i], classes, "predicted", i);
      check(t[i], classes, "truth", i);
      if (p[i] == t[i]) {
        inter[p[i]]++;
        union[p[i]]++;
      } else {
        union[p[i]]++;
        union[t[i]]++;
      }
    }
    double[] out = new double[classes];
    for (int c = 0; c < classes; c++)
      out[c] = union[c] == 0 ? Double.NaN : (double) inter[c] / union[c];
    return out;
  }

  /** Mean of {@link #iou} over the classes that appear in the prediction or the truth. */
  public static double meanIoU(Tensor predicted, Tensor truth, int classes) {
    double sum = 0;
    int n = 0;
    for (double v : iou(predicted, truth, classes)) {
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return sum / n;
  }

  private static void check(int c, int classes, String what, int i) {
    if (c < 0 || c >= classes)
      throw Check.badArgument(
          "iou", "%s class %s at position %s is not in [0, %s)", what, c, i, classes);
  }
}
