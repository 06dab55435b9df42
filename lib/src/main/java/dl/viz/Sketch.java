package dl.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;

/**
 * A drawing with a natural size, painted with Java2D: what every diagram in {@link Diagrams} is.
 * {@link #figure()} turns it into a {@link Figure}; resizing the figure repaints the drawing scaled
 * (vector, not pixels), keeping its proportions.
 */
abstract class Sketch {
  static final Font TEXT = new Font(Style.FAMILY, Font.PLAIN, 13);
  static final Font BOLD = new Font(Style.FAMILY, Font.BOLD, 13);
  static final Font SMALL = new Font(Style.FAMILY, Font.PLAIN, 11);
  static final Color MUTED = new Color(0x66, 0x66, 0x66);

  /** Width of the drawing at scale 1, in pixels. */
  abstract int width();

  /** Height of the drawing at scale 1, in pixels. */
  abstract int height();

  /** Paints the drawing on a white canvas of {@link #width()} x {@link #height()}. */
  abstract void paint(Graphics2D g);

  Figure figure() {
    return draw(this, width(), height());
  }

  private static Figure draw(Sketch sketch, int width, int height) {
    Figure out = new Figure(width, height, (w, h) -> draw(sketch, w, h));
    Graphics2D g = Figure.graphics(out);
    try {
      double scale = Math.min((double) width / sketch.width(), (double) height / sketch.height());
      g.translate((width - sketch.width() * scale) / 2.0, (height - sketch.height() * scale) / 2.0);
      g.scale(scale, scale);
      g.setColor(Style.TEXT);
      sketch.paint(g);
    } finally {
      g.dispose();
    }
    return out;
  }

  // ================================================================ shared drawing helpers

  /** An arrowhead at {@code (x, y)} pointing along the direction {@code (dx, dy)}. */
  static void arrowHead(Graphics2D g, double x, double y, double dx, double dy) {
    double len = Math.hypot(dx, dy);
    if (len == 0) return;
    double ux = dx / len, uy = dy / len;
    double size = 7, half = 3.5;
    Path2D.Double head = new Path2D.Double();
    head.moveTo(x, y);
    head.lineTo(x - ux * size - uy * half, y - uy * size + ux * half);
    head.lineTo(x - ux * size + uy * half, y - uy * size - ux * half);
    head.closePath();
    g.fill(head);
  }

  /** A polyline through {@code xy} (x0, y0, x1, y1, ...) ending in an arrowhead. */
  static void arrow(Graphics2D g, double... xy) {
    Path2D.Double path = new Path2D.Double();
    path.moveTo(xy[0], xy[1]);
    for (int i = 2; i < xy.length; i += 2) path.lineTo(xy[i], xy[i + 1]);
    int n = xy.length;
    // stop the line short of the tip so the head stays sharp
    double dx = xy[n - 2] - xy[n - 4], dy = xy[n - 1] - xy[n - 3];
    double len = Math.hypot(dx, dy);
    Path2D.Double shaft = new Path2D.Double();
    shaft.moveTo(xy[0], xy[1]);
    for (int i = 2; i < n - 2; i += 2) shaft.lineTo(xy[i], xy[i + 1]);
    double cut = Math.min(len, 5);
    shaft.lineTo(xy[n - 2] - dx / len * cut, xy[n - 1] - dy / len * cut);
    g.draw(len > 0 ? shaft : path);
    arrowHead(g, xy[n - 2], xy[n - 1], dx, dy);
  }

  static BasicStroke stroke(double width) {
    return new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  }

  static BasicStroke dashed(double width) {
    return new BasicStroke(
        (float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {4f, 3f}, 0f);
  }

  /** Thin diagonal lines over a rectangle: how padding (cells that are not data) is shown. */
  static void hatch(Graphics2D g, double x, double y, double w, double h, Color color) {
    var clip = g.getClip();
    g.clip(new java.awt.geom.Rectangle2D.Double(x, y, w, h));
    g.setColor(color);
    g.setStroke(stroke(0.8));
    double step = 5;
    for (double d = -h; d < w; d += step)
      g.draw(new java.awt.geom.Line2D.Double(x + d, y + h, x + d + h, y));
    g.setClip(clip);
  }

  /** "6×28×28" for a [N, 6, 28, 28] tensor: the shape of one example, without the batch axis. */
  static String exampleShape(dl.tensor.Shape shape) {
    int[] dims = shape.toArray();
    if (dims.length <= 1) return dims.length == 0 ? "scalar" : "1";
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < dims.length; i++) sb.append(i > 1 ? "×" : "").append(dims[i]);
    return sb.toString();
  }

  static String count(long n) {
    return String.format("%,d", n);
  }
}
