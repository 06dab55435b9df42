package dl.vision;

import dl.Check;
import dl.nn.functional.F;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The output encoding of a single-shot grid detector in the manner of YOLO (Redmon et al., 2016):
 * the image is cut into S×S cells, and the cell that holds a box's centre is responsible for it.
 * Per cell the network predicts 5 + C numbers:
 *
 * <ul>
 *   <li>channel 0: objectness, a logit for "a box's centre is in this cell";
 *   <li>channels 1, 2: the centre within the cell, sigmoid → fraction of the cell from its
 *       top-left;
 *   <li>channels 3, 4: width and height, sigmoid → fraction of the image side;
 *   <li>channels 5 .. 5+C-1: class logits.
 * </ul>
 *
 * <p>One box per cell: if two centres fall in the same cell, the first box keeps it (with 8×8 cells
 * of 8 pixels on the course's canvases this is rare).
 *
 * <p>Shape: network output and targets [N, 5 + C, S, S].
 *
 * <pre>{@code
 * jshell> var grid = new YoloGrid(8, 64, 10);
 * jshell> Tensor loss = grid.loss(net.forward(x), grid.targets(boxes));
 * jshell> List<List<Detection>> found = grid.decode(net.forward(x), 0.05);
 * }</pre>
 */
public final class YoloGrid {
  /** Weight of the box error against the others (YOLO's λ_coord). */
  public static final double COORD_WEIGHT = 5;

  /** Weight of the objectness error in cells without an object (YOLO's λ_noobj). */
  public static final double NO_OBJECT_WEIGHT = 0.5;

  private final int cells;
  private final int imageSize;
  private final int classes;

  public YoloGrid(int cells, int imageSize, int classes) {
    if (cells < 1 || imageSize < cells || classes < 1)
      throw Check.badArgument(
          "YoloGrid",
          "need cells >= 1, imageSize >= cells and classes >= 1, got %s, %s, %s",
          cells,
          imageSize,
          classes);
    this.cells = cells;
    this.imageSize = imageSize;
    this.classes = classes;
  }

  /** Outputs per cell: 5 + classes. */
  public int channels() {
    return 5 + classes;
  }

  public int cells() {
    return cells;
  }

  /** Side of one cell in pixels. */
  public double cellSize() {
    return (double) imageSize / cells;
  }

  /** The targets for a batch of images' boxes. Shape: [N, 5 + C, S, S]. */
  public Tensor targets(List<List<Box>> boxes) {
    int n = boxes.size();
    int plane = cells * cells;
    float[] t = new float[n * channels() * plane];
    double cell = cellSize();
    for (int i = 0; i < n; i++) {
      for (Box b : boxes.get(i)) {
        if (b.label() < 0 || b.label() >= classes)
          throw Check.badArgument(
              "YoloGrid.targets", "box label %s is not in [0, %s)", b.label(), classes);
        int col = Math.min(cells - 1, Math.max(0, (int) Math.floor(b.centreX() / cell)));
        int row = Math.min(cells - 1, Math.max(0, (int) Math.floor(b.centreY() / cell)));
        int at = i * channels() * plane + row * cells + col;
        if (t[at] == 1) continue; // the cell already has a box
        t[at] = 1;
        t[at + plane] = (float) (b.centreX() / cell - col);
        t[at + 2 * plane] = (float) (b.centreY() / cell - row);
        t[at + 3 * plane] = (float) (b.width() / imageSize);
        t[at + 4 * plane] = (float) (b.height() / imageSize);
        t[at + (5 + b.label()) * plane] = 1;
      }
    }
    return Tensor.fromArray(t, n, channels(), cells, cells);
  }

  /**
   * The detector's loss, summed over cells and averaged over images: objectness as binary
   * cross-entropy in every cell (cells without an object weighted {@link #NO_OBJECT_WEIGHT}), plus
   * in cells with an object the squared error of the four box numbers (weighted {@link
   * #COORD_WEIGHT}) and the cross-entropy of the class.
   */
  public Tensor loss(Tensor output, Tensor targets) {
    checkOutput("loss", output);
    if (!targets.shape().equals(output.shape()))
      throw Check.badArgument(
          "YoloGrid.loss", "output %s and targets %s differ", output.shape(), targets.shape());
    int n = output.size(0);
    Tensor objLogit = output.narrow(1, 0, 1);
    Tensor obj = targets.narrow(1, 0, 1);
    // BCE with logits, softplus(z) − z·y, weighted 1 where there is an object, λ_noobj elsewhere
    Tensor bce = F.softplus(objLogit).sub(objLogit.mul(obj));
    Tensor weight = obj.mul(1 - NO_OBJECT_WEIGHT).add(NO_OBJECT_WEIGHT);
    Tensor objectness = bce.mul(weight).sum();
    Tensor boxError =
        output.narrow(1, 1, 4).sigmoid().sub(targets.narrow(1, 1, 4)).square().mul(obj).sum();
    Tensor classError =
        output.narrow(1, 5, classes).logSoftmax(1).mul(targets.narrow(1, 5, classes)).sum().neg();
    return objectness.add(boxError.mul(COORD_WEIGHT)).add(classError).div(n);
  }

  /**
   * The boxes a network's output describes: one per cell whose score, σ(objectness) × the largest
   * class probability, is at least {@code minScore}, labelled with that class. No suppression: pass
   * each image's list to {@link Detections#nms}.
   */
  public List<List<Detection>> decode(Tensor output, double minScore) {
    checkOutput("decode", output);
    int n = output.size(0);
    int plane = cells * cells;
    int c = channels();
    float[] o = output.contiguous().toFloatArray();
    double cell = cellSize();
    List<List<Detection>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<Detection> found = new ArrayList<>();
      for (int row = 0; row < cells; row++) {
        for (int col = 0; col < cells; col++) {
          int at = i * c * plane + row * cells + col;
          double objectness = sigmoid(o[at]);
          int best = 0;
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < classes; k++) {
            double z = o[at + (5 + k) * plane];
            if (z > max) {
              max = z;
              best = k;
            }
          }
          double sum = 0;
          for (int k = 0; k < classes; k++) sum += Math.exp(o[at + (5 + k) * plane] - max);
          double score = objectness / sum; // σ(obj) · softmax(class)[best], the top one is 1/sum
          if (score < minScore) continue;
          double cx = (col + sigmoid(o[at + plane])) * cell;
          double cy = (row + sigmoid(o[at + 2 * plane])) * cell;
          double w = sigmoid(o[at + 3 * plane]) * imageSize;
          double h = sigmoid(o[at + 4 * plane]) * imageSize;
          found.add(new Detection(Box.centred(best, cx, cy, w, h), score));
        }
      }
      out.add(found);
    }
    return out;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private void checkOutput(String op, Tensor output) {
    if (output.dim() != 4
        || output.size(1) != channels()
        || output.size(2) != cells
        || output.size(3) != cells)
      throw Check.badArgument(
          "YoloGrid." + op,
          "expected output [N, %d, %d, %d] (5 + %d classes per cell), got %s",
          channels(),
          cells,
          cells,
          classes,
          output.shape());
  }

  @Override
  public String toString() {
    return "YoloGrid["
        + cells
        + "x"
        + cells
        + " cells of "
        + cellSize()
        + " px, "
        + classes
        + " classes]";
  }
}
