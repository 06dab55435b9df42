package dl.viz;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Locale;

/** Text helpers for the figures drawn with Java2D (heatmaps, image grids). */
final class Draw {
  private Draw() {}

  /** Draws {@code s} centred on {@code (cx, cy)}. */
  static void centered(Graphics2D g, String s, double cx, double cy) {
    FontMetrics fm = g.getFontMetrics();
    float x = (float) (cx - fm.stringWidth(s) / 2.0);
    float y = (float) (cy + (fm.getAscent() - fm.getDescent()) / 2.0);
    g.drawString(s, x, y);
  }

  /** Draws {@code s} right-aligned at {@code right}, vertically centred on {@code cy}. */
  static void rightAligned(Graphics2D g, String s, double right, double cy) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(
        s,
        (float) (right - fm.stringWidth(s)),
        (float) (cy + (fm.getAscent() - fm.getDescent()) / 2.0));
  }

  /** Draws {@code s} left-aligned at {@code left}, vertically centred on {@code cy}. */
  static void leftAligned(Graphics2D g, String s, double left, double cy) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(s, (float) left, (float) (cy + (fm.getAscent() - fm.getDescent()) / 2.0));
  }

  /**
   * Draws {@code s} turned by {@code radians} about {@code (x, y)}, with {@code (x, y)} where the
   * text starts.
   */
  static void rotated(Graphics2D g, String s, double x, double y, double radians) {
    AffineTransform saved = g.getTransform();
    g.translate(x, y);
    g.rotate(radians);
    g.drawString(s, 0f, 0f);
    g.setTransform(saved);
  }

  /** A vertical axis title, reading bottom to top, centred on {@code (cx, cy)}. */
  static void vertical(Graphics2D g, String s, double cx, double cy) {
    FontMetrics fm = g.getFontMetrics();
    AffineTransform saved = g.getTransform();
    g.translate(cx, cy);
    g.rotate(-Math.PI / 2);
    g.drawString(
        s, (float) (-fm.stringWidth(s) / 2.0), (float) ((fm.getAscent() - fm.getDescent()) / 2.0));
    g.setTransform(saved);
  }

  private static final Graphics2D SCRATCH =
      new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();

  /** Width of {@code s} in {@code f}, measured without a figure to draw on. */
  static synchronized int width(Font f, String s) {
    return SCRATCH.getFontMetrics(f).stringWidth(s);
  }

  static int width(Graphics2D g, Font f, String s) {
    return g.getFontMetrics(f).stringWidth(s);
  }

  static int height(Graphics2D g, Font f) {
    FontMetrics fm = g.getFontMetrics(f);
    return fm.getAscent() + fm.getDescent();
  }

  /**
   * The largest size of {@code f}, down to {@code minSize}, at which {@code s} fits in {@code
   * maxWidth}; null if none does.
   */
  static Font fit(Graphics2D g, Font f, String s, double maxWidth, double maxHeight, int minSize) {
    for (int size = f.getSize(); size >= minSize; size--) {
      Font t = f.deriveFont((float) size);
      FontMetrics fm = g.getFontMetrics(t);
      if (fm.stringWidth(s) <= maxWidth && fm.getAscent() + fm.getDescent() <= maxHeight) return t;
    }
    return null;
  }

  /** {@code s} cut short with an ellipsis so it fits in {@code maxWidth}. */
  static String ellipsize(Graphics2D g, String s, double maxWidth) {
    FontMetrics fm = g.getFontMetrics();
    if (fm.stringWidth(s) <= maxWidth) return s;
    for (int n = s.length() - 1; n > 0; n--) {
      String t = s.substring(0, n) + "…";
      if (fm.stringWidth(t) <= maxWidth) return t;
    }
    return "…";
  }

  /** A number in at most about {@code digits} significant digits, without trailing zeros. */
  static String number(double v, int digits) {
    if (Double.isNaN(v)) return "nan";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e7) return String.valueOf((long) v);
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-3 || a >= 1e6))
      return String.format(Locale.ROOT, "%." + Math.max(0, digits - 1) + "e", v);
    String s = String.format(Locale.ROOT, "%." + digits + "g", v);
    if (s.contains(".") && !s.contains("e")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    return s;
  }
}
