package dl.viz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;

/** Pixel checks shared by the viz tests. */
final class Pixels {
  private Pixels() {}

  static Color at(BufferedImage img, double x, double y) {
    return new Color(img.getRGB((int) Math.round(x), (int) Math.round(y)));
  }

  /**
   * The most frequent colour in the (2r+1)² window around (x, y): ignores a grid line or an edge.
   */
  static Color mode(BufferedImage img, double x, double y, int r) {
    java.util.Map<Integer, Integer> n = new java.util.HashMap<>();
    int cx = (int) Math.round(x);
    int cy = (int) Math.round(y);
    for (int dy = -r; dy <= r; dy++)
      for (int dx = -r; dx <= r; dx++) n.merge(img.getRGB(cx + dx, cy + dy), 1, Integer::sum);
    return new Color(
        n.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey());
  }

  /** Largest difference over the three channels. */
  static int distance(Color a, Color b) {
    return Math.max(
        Math.abs(a.getRed() - b.getRed()),
        Math.max(Math.abs(a.getGreen() - b.getGreen()), Math.abs(a.getBlue() - b.getBlue())));
  }

  static void assertNear(Color expected, Color actual, int tolerance, String what) {
    assertTrue(
        distance(expected, actual) <= tolerance,
        what + ": expected about " + expected + " but was " + actual);
  }

  /** Number of pixels within {@code tolerance} of {@code c}. */
  static int count(BufferedImage img, Color c, int tolerance) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++)
        if (distance(new Color(img.getRGB(x, y)), c) <= tolerance) n++;
    }
    return n;
  }

  static int distinctColours(BufferedImage img) {
    Set<Integer> s = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2)
      for (int x = 0; x < img.getWidth(); x += 2) s.add(img.getRGB(x, y));
    return s.size();
  }

  static double luminance(Color c) {
    return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255.0;
  }
}
