package dl.viz;

import java.awt.Color;
import java.awt.Font;

/** The look shared by every figure: fonts, the series palette and the class colours. */
final class Style {
  private Style() {}

  static final String FAMILY = Font.SANS_SERIF;
  static final Font TITLE = new Font(FAMILY, Font.BOLD, 16);
  static final Font AXIS_TITLE = new Font(FAMILY, Font.PLAIN, 14);
  static final Font TICKS = new Font(FAMILY, Font.PLAIN, 12);
  static final Font LEGEND = new Font(FAMILY, Font.PLAIN, 13);
  static final Font CAPTION = new Font(FAMILY, Font.PLAIN, 13);
  static final Font VALUE = new Font(FAMILY, Font.PLAIN, 13);

  static final Color TEXT = new Color(0x22, 0x22, 0x22);
  static final Color GRID = new Color(0xE6, 0xE6, 0xE6);
  static final Color BORDER = new Color(0xB0, 0xB0, 0xB0);
  static final Color WRONG = new Color(0xD0, 0x1C, 0x1C);

  /** Line colours for named series (matplotlib's "tab10"): blue, orange, green, red, purple, ... */
  static final Color[] SERIES = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22),
        new Color(0x17becf)
  };

  /**
   * Class colours: class 0 red and class 1 green as in the lectures, then blue, orange, purple, ...
   */
  static final Color[] CLASSES = {
    new Color(0xd62728), new Color(0x2ca02c), new Color(0x1f77b4), new Color(0xff7f0e),
        new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22),
        new Color(0x17becf)
  };

  static Color series(int i) {
    return SERIES[Math.floorMod(i, SERIES.length)];
  }

  static Color classColor(int c) {
    return CLASSES[Math.floorMod(c, CLASSES.length)];
  }

  /** The light version of a class colour, for the regions behind the points. */
  static Color classRegion(int c) {
    return mix(classColor(c), Color.WHITE, 0.72);
  }

  /** {@code a} moved a fraction {@code t} of the way to {@code b}. */
  static Color mix(Color a, Color b, double t) {
    return new Color(
        (int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
        (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
        (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
  }

  /** Perceived brightness in [0, 1]: text on a cell of this colour should be white below ~0.55. */
  static double luminance(Color c) {
    return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255.0;
  }
}
