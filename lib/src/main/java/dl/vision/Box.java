package dl.vision;

import dl.Check;

/**
 * An axis-aligned box with a class label, in pixel-edge coordinates: {@code x0, y0} is the top-left
 * corner and {@code x1, y1} the bottom-right one, so a box around the single pixel in column 3, row
 * 5 is {@code (3, 5, 4, 6)} and its area counts pixels.
 *
 * <pre>{@code
 * jshell> new Box(7, 0, 0, 10, 10).iou(new Box(7, 5, 0, 15, 10))
 * $1 ==> 0.3333333333333333         // overlap 50, union 150
 * }</pre>
 */
public record Box(int label, double x0, double y0, double x1, double y1) {
  public Box {
    if (!(x1 >= x0) || !(y1 >= y0) || !Double.isFinite(x0 + y0 + x1 + y1)) {
      throw Check.badArgument(
          "Box",
          "expected finite corners with x0 <= x1 and y0 <= y1, got (%s, %s, %s, %s)",
          x0,
          y0,
          x1,
          y1);
    }
  }

  /** A box given by its centre and size, as detectors predict it. */
  public static Box centred(int label, double cx, double cy, double width, double height) {
    return new Box(label, cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2);
  }

  public double width() {
    return x1 - x0;
  }

  public double height() {
    return y1 - y0;
  }

  public double area() {
    return width() * height();
  }

  public double centreX() {
    return (x0 + x1) / 2;
  }

  public double centreY() {
    return (y0 + y1) / 2;
  }

  /** Area of the overlap with {@code other} (0 if they do not overlap); labels are ignored. */
  public double intersection(Box other) {
    double w = Math.min(x1, other.x1) - Math.max(x0, other.x0);
    double h = Math.min(y1, other.y1) - Math.max(y0, other.y0);
    return w > 0 && h > 0 ? w * h : 0;
  }

  /**
   * Intersection over union, |A ∩ B| / |A ∪ B|, in [0, 1]: 1 for the same box, 0 for boxes that do
   * not overlap (or only touch). Two empty boxes have IoU 0. Labels are ignored.
   */
  public double iou(Box other) {
    double inter = intersection(other);
    double union = area() + other.area() - inter;
    return union > 0 ? inter / union : 0;
  }

  /** True if the pixel with top-left corner (x, y) lies inside this box. */
  public boolean containsPixel(int x, int y) {
    return x >= x0 && x + 1 <= x1 && y >= y0 && y + 1 <= y1;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT, "Box[%d: (%.1f, %.1f)-(%.1f, %.1f)]", label, x0, y0, x1, y1);
  }
}
