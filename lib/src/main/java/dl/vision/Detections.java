package dl.vision;

import dl.Check;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What happens to a detector's boxes after the network: non-maximum suppression, and average
 * precision (AP, mAP) against the true boxes.
 *
 * <pre>{@code
 * jshell> Detections.nms(List.of(new Detection(new Box(3, 0, 0, 10, 10), 0.9),
 *    ...>                       new Detection(new Box(3, 1, 0, 11, 10), 0.8)), 0.5)
 * $1 ==> [Detection[Box[3: (0.0, 0.0)-(10.0, 10.0)], score 0.900]]   // IoU 0.82: the second goes
 * }</pre>
 */
public final class Detections {
  private Detections() {}

  /**
   * Greedy non-maximum suppression, per class: take the highest-scoring box, drop every other box
   * of the same label that overlaps it with IoU above {@code iouThreshold}, repeat with what is
   * left. Boxes of different labels never suppress each other. Returns the kept detections, highest
   * score first (ties keep their input order).
   */
  public static List<Detection> nms(List<Detection> detections, double iouThreshold) {
    if (!(iouThreshold >= 0 && iouThreshold <= 1))
      throw Check.badArgument("nms", "IoU threshold must be in [0, 1], got %s", iouThreshold);
    List<Detection> sorted = new ArrayList<>(detections);
    sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
    List<Detection> kept = new ArrayList<>();
    boolean[] removed = new boolean[sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      if (removed[i]) continue;
      Detection best = sorted.get(i);
      kept.add(best);
      for (int j = i + 1; j < sorted.size(); j++) {
        Detection other = sorted.get(j);
        if (!removed[j]
            && other.label() == best.label()
            && other.box().iou(best.box()) > iouThreshold) removed[j] = true;
      }
    }
    return kept;
  }

  /**
   * Average precision of one class over a set of images, with all-point interpolation (PASCAL VOC
   * 2010 and later): detections of {@code label} from every image are ranked by score; each is a
   * true positive if its best-overlapping true box of that label in the same image has IoU at least
   * {@code iouThreshold} and was not matched by a higher-scoring detection, else a false positive
   * (so a duplicate counts against the detector). AP is the area under the precision-recall curve
   * after making precision non-increasing in recall. NaN if the class has no true boxes.
   *
   * @param predicted per image, the detections (any labels; others are ignored)
   * @param truth per image, the true boxes
   */
  public static double averagePrecision(
      List<List<Detection>> predicted, List<List<Box>> truth, int label, double iouThreshold) {
    if (predicted.size() != truth.size())
      throw Check.badArgument(
          "averagePrecision",
          "%s images of detections but %s images of true boxes",
          predicted.size(),
          truth.size());
    if (!(iouThreshold > 0 && iouThreshold <= 1))
      throw Check.badArgument(
          "averagePrecision", "IoU threshold must be in (0, 1], got %s", iouThreshold);
    int positives = 0;
    List<double[]> ranked = new ArrayList<>(); // {score, image, index in image}
    for (int img = 0; img < truth.size(); img++) {
      for (Box b : truth.get(img)) if (b.label() == label) positives++;
      List<Detection> ds = predicted.get(img);
      for (int k = 0; k < ds.size(); k++)
        if (ds.get(k).label() == label) ranked.add(new double[] {ds.get(k).score(), img, k});
    }
    if (positives == 0) return Double.NaN;
    ranked.sort(Comparator.comparingDouble((double[] r) -> r[0]).reversed());
    List<boolean[]> matched = new ArrayList<>();
    for (List<Box> boxes : truth) matched.add(new boolean[boxes.size()]);
    int n = ranked.size();
    boolean[] hit = new boolean[n];
    double[] precision = new double[n];
    int tp = 0;
    for (int r = 0; r < n; r++) {
      int img = (int) ranked.get(r)[1];
      Box box = predicted.get(img).get((int) ranked.get(r)[2]).box();
      List<Box> boxes = truth.get(img);
      int best = -1;
      double bestIou = 0;
      for (int t = 0; t < boxes.size(); t++) {
        if (boxes.get(t).label() != label) continue;
        double iou = box.iou(boxes.get(t));
        if (iou > bestIou) {
          bestIou = iou;
          best = t;
        }
      }
      if (best >= 0 && bestIou >= iouThreshold && !matched.get(img)[best]) {
        matched.get(img)[best] = true;
        hit[r] = true;
        tp++;
      }
      precision[r] = (double) tp / (r + 1);
    }
    // NOTE: the interpolated precision at a recall level is the best precision at that recall or
    // any higher one, which is a running maximum from the end of the ranking.
    for (int r = n - 2; r >= 0; r--) precision[r] = Math.max(precision[r], precision[r + 1]);
    double ap = 0;
    for (int r = 0; r < n; r++) if (hit[r]) ap += precision[r] / positives;
    return ap;
  }

  /**
   * Mean over the classes {@code 0 .. classes-1} that have at least one true box of {@link
   * #averagePrecision}: "mAP at IoU 0.5" with {@code iouThreshold = 0.5}.
   */
  public static double meanAveragePrecision(
      List<List<Detection>> predicted, List<List<Box>> truth, int classes, double iouThreshold) {
    double sum = 0;
    int counted = 0;
    for (int c = 0; c < classes; c++) {
      double ap = averagePrecision(predicted, truth, c, iouThreshold);
      if (!Double.isNaN(ap)) {
        sum += ap;
        counted++;
      }
    }
    if (counted == 0)
      throw Check.badArgument(
          "meanAveragePrecision", "no true boxes with labels 0..%s", classes - 1);
    return sum / counted;
  }
}
