package dl.viz;

import java.awt.Color;

/**
 * Maps a number in [0, 1] to a colour, for heatmaps and single-channel images.
 *
 * <pre>{@code
 * jshell> Colormap.DIVERGING.color(0.5)     // the middle is white: zero weight
 * $1 ==> java.awt.Color[r=247,g=247,b=247]
 * }</pre>
 */
public enum Colormap {
  /** Black to white: pixel intensities. */
  GRAY(new int[] {0x000000, 0xffffff}),
  /** White to dark blue: counts, e.g. a confusion matrix. */
  BLUES(
      new int[] {
        0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b
      }),
  /** Blue (negative) through white (zero) to red (positive): weights and gradients. */
  DIVERGING(
      new int[] {
        0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b
      }),
  /** Dark purple through green to yellow, evenly bright: any other values. */
  VIRIDIS(
      new int[] {
        0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b,
        0xfde725
      });

  private final Color[] stops;

  Colormap(int[] rgb) {
    stops = new Color[rgb.length];
    for (int i = 0; i < rgb.length; i++) stops[i] = new Color(rgb[i]);
  }

  /** The colour for {@code t}; values outside [0, 1] are clamped and NaN is light grey. */
  public Color color(double t) {
    return new Color(rgb(t));
  }

  /** The colours the map runs through, evenly spaced from 0 to 1 (XChart's range colours). */
  Color[] stops() {
    return stops.clone();
  }

  /** {@link #color(double)} as a packed {@code 0xRRGGBB} int (no object per pixel). */
  int rgb(double t) {
    if (Double.isNaN(t)) return 0xdddddd;
    double x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    int i = Math.min((int) x, stops.length - 2);
    double f = x - i;
    Color a = stops[i];
    Color b = stops[i + 1];
    int r = (int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * f);
    int g = (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * f);
    int bl = (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * f);
    return (r << 16) | (g << 8) | bl;
  }
}
