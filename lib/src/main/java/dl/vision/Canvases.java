package dl.vision;

import dl.Check;
import dl.data.TensorDataset;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A seeded detection and segmentation data set made from digit images: each canvas is a larger
 * black square with a few digits pasted at random places, never overlapping, with the true box and
 * the per-pixel mask of every digit.
 *
 * <p>Ink is a pixel of value at least {@link #INK} (the stroke, not its faint anti-aliased rim). A
 * digit's box is the bounding box of its ink, labelled with the digit (0-9); the mask gives each
 * ink pixel the class digit + 1 and every other pixel 0 (background), so masks have {@link
 * #MASK_CLASSES} = 11 classes. The same digits, count and seed give the same canvases.
 *
 * <p>Shape: images [N, 1, size, size] in [0, 1]; masks [N, size, size] holding class indices.
 *
 * <pre>{@code
 * jshell> var set = Canvases.generate(Datasets.mnist().train(), 1000, 64, 1, 3, 7);
 * jshell> set.images().shape()
 * $2 ==> [1000,1,64,64]
 * jshell> set.boxes(0)                  // one Box per digit: label, then its ink's corners
 * jshell> set.masks().shape()
 * $4 ==> [1000,64,64]
 * }</pre>
 */
public final class Canvases {
  /** Pixels at least this bright are ink: inside the box and labelled in the mask. */
  public static final double INK = 0.5;

  /** Background plus the ten digits. */
  public static final int MASK_CLASSES = 11;

  /** Placements tried per digit before it is left out (only where the canvas is crowded). */
  private static final int TRIES = 100;

  private final Tensor images;
  private final Tensor masks;
  private final List<List<Box>> boxes;
  private final int size;
  private final int minDigits;
  private final int maxDigits;

  private Canvases(
      Tensor images, Tensor masks, List<List<Box>> boxes, int size, int minDigits, int maxDigits) {
    this.images = images;
    this.masks = masks;
    this.boxes = boxes;
    this.size = size;
    this.minDigits = minDigits;
    this.maxDigits = maxDigits;
  }

  /** {@code count} canvases of 64×64 with 1 to 3 digits each. */
  public static Canvases generate(TensorDataset digits, int count, long seed) {
    return generate(digits, count, 64, 1, 3, seed);
  }

  /**
   * {@code count} canvases of {@code size}×{@code size} pixels, each with between {@code minDigits}
   * and {@code maxDigits} digits drawn at random from {@code digits} (images [N, 1, H, W] or [N, H,
   * W] with values in [0, 1], labels 0-9). Each digit is cropped to its non-zero pixels and pasted
   * with at least one black pixel between it and any other; a digit that finds no free place in
   * {@value #TRIES} tries is left out, so a crowded canvas can have fewer digits (the first always
   * fits).
   */
  public static Canvases generate(
      TensorDataset digits, int count, int size, int minDigits, int maxDigits, long seed) {
    int[] s = digits.x().shape().toArray();
    if (!(s.length == 4 && s[1] == 1) && s.length != 3)
      throw Check.badArgument(
          "Canvases",
          "expected digit images [N, 1, H, W] or [N, H, W], got %s",
          digits.x().shape());
    int h = s[s.length - 2];
    int w = s[s.length - 1];
    if (count < 1 || minDigits < 1 || maxDigits < minDigits)
      throw Check.badArgument(
          "Canvases",
          "need count >= 1 and 1 <= minDigits <= maxDigits, got count %s, digits %s..%s",
          count,
          minDigits,
          maxDigits);
    if (size < Math.max(h, w))
      throw Check.badArgument(
          "Canvases", "a canvas of %s pixels cannot hold a %sx%s digit", size, h, w);
    int[] labels = digits.labelArray();
    // NOTE: small sets are read in one go; for all of MNIST (188 MB as floats) one digit at a time.
    float[] all = (long) labels.length * h * w <= 4_000_000 ? digits.x().toFloatArray() : null;
    Rng rng = new Rng(seed);
    float[] image = new float[count * size * size];
    float[] mask = new float[count * size * size];
    List<List<Box>> allBoxes = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      int wanted = minDigits + rng.nextInt(maxDigits - minDigits + 1);
      List<int[]> placed = new ArrayList<>(); // crop rectangles x0, y0, x1, y1 on the canvas
      List<Box> boxes = new ArrayList<>();
      for (int d = 0; d < wanted; d++) {
        int k = rng.nextInt(labels.length);
        if (labels[k] < 0 || labels[k] > 9)
          throw Check.badArgument("Canvases", "digit %s has label %s, expected 0-9", k, labels[k]);
        float[] pixels = all != null ? all : digits.x().narrow(0, k, 1).toFloatArray();
        int off = all != null ? k * h * w : 0;
        int[] crop = nonZero(pixels, off, h, w);
        if (crop == null) continue; // an all-black image: nothing to place
        int cw = crop[2] - crop[0];
        int ch = crop[3] - crop[1];
        for (int t = 0; t < TRIES; t++) {
          int x = rng.nextInt(size - cw + 1);
          int y = rng.nextInt(size - ch + 1);
          int[] rect = {x, y, x + cw, y + ch};
          if (!free(rect, placed)) continue;
          placed.add(rect);
          Box box = paste(pixels, off, w, crop, x, y, labels[k], size, n, image, mask);
          if (box != null) boxes.add(box);
          break;
        }
      }
      allBoxes.add(Collections.unmodifiableList(boxes));
    }
    return new Canvases(
        Tensor.fromArray(image, count, 1, size, size),
        Tensor.fromArray(mask, count, size, size),
        Collections.unmodifiableList(allBoxes),
        size,
        minDigits,
        maxDigits);
  }

  /** Bounding rectangle {x0, y0, x1, y1} of the non-zero pixels of one digit, or null. */
  private static int[] nonZero(float[] px, int off, int h, int w) {
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float v = px[off + y * w + x];
        if (v < 0 || v > 1.0001f)
          throw Check.badArgument(
              "Canvases", "digit pixels must be in [0, 1], found %s (divide bytes by 255)", v);
        if (v > 0) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    return x1 < 0 ? null : new int[] {x0, y0, x1 + 1, y1 + 1};
  }

  /** True if {@code rect}, grown by one pixel on every side, overlaps none of {@code placed}. */
  private static boolean free(int[] rect, List<int[]> placed) {
    for (int[] p : placed) {
      boolean apart =
          rect[2] + 1 <= p[0] || p[2] + 1 <= rect[0] || rect[3] + 1 <= p[1] || p[3] + 1 <= rect[1];
      if (!apart) return false;
    }
    return true;
  }

  /** Copies the crop to (x, y) of canvas n, labels its ink in the mask, returns its ink box. */
  private static Box paste(
      float[] px,
      int off,
      int w,
      int[] crop,
      int x,
      int y,
      int label,
      int size,
      int n,
      float[] image,
      float[] mask) {
    int base = n * size * size;
    int bx0 = Integer.MAX_VALUE, by0 = Integer.MAX_VALUE, bx1 = -1, by1 = -1;
    for (int sy = crop[1]; sy < crop[3]; sy++) {
      for (int sx = crop[0]; sx < crop[2]; sx++) {
        float v = px[off + sy * w + sx];
        int cx = x + sx - crop[0];
        int cy = y + sy - crop[1];
        image[base + cy * size + cx] = v;
        if (v >= INK) {
          mask[base + cy * size + cx] = label + 1;
          bx0 = Math.min(bx0, cx);
          by0 = Math.min(by0, cy);
          bx1 = Math.max(bx1, cx);
          by1 = Math.max(by1, cy);
        }
      }
    }
    return bx1 < 0 ? null : new Box(label, bx0, by0, bx1 + 1, by1 + 1);
  }

  /** The canvases. Shape: [N, 1, size, size]. */
  public Tensor images() {
    return images;
  }

  /** Class per pixel: 0 background, digit + 1 on its ink. Shape: [N, size, size]. */
  public Tensor masks() {
    return masks;
  }

  /** The true boxes of every canvas (unmodifiable). */
  public List<List<Box>> boxes() {
    return boxes;
  }

  /** The true boxes of canvas {@code i}. */
  public List<Box> boxes(int i) {
    return boxes.get(i);
  }

  /** Number of canvases. */
  public int count() {
    return boxes.size();
  }

  /** Side of a canvas in pixels. */
  public int size() {
    return size;
  }

  /** Canvases {@code from .. to-1} (images, masks and boxes). */
  public Canvases slice(int from, int to) {
    if (from < 0 || to > count() || from >= to)
      throw Check.badArgument(
          "Canvases.slice", "[%s, %s) is not a non-empty range of 0..%s", from, to, count());
    return new Canvases(
        images.narrow(0, from, to - from).contiguous(),
        masks.narrow(0, from, to - from).contiguous(),
        boxes.subList(from, to),
        size,
        minDigits,
        maxDigits);
  }

  @Override
  public String toString() {
    int total = boxes.stream().mapToInt(List::size).sum();
    return "Canvases["
        + count()
        + " canvases "
        + size
        + "x"
        + size
        + ", "
        + minDigits
        + "-"
        + maxDigits
        + " digits each, "
        + total
        + " boxes]";
  }
}
