package dl.viz;

import dl.Check;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A finished picture: a {@link BufferedImage} (so a notebook cell whose value is a figure shows it
 * inline) that can be resized, combined and saved as PNG.
 *
 * <p>Figures are immutable: {@code title(...)}, {@code size(...)} and friends on the subclasses
 * return a new, re-drawn figure and leave the old one as it was.
 *
 * <pre>{@code
 * jshell> var fig = Figure.row(Plots.loss(history), Plots.accuracy(history));
 * jshell> fig.save("out/history.png")      // written to a temp file, then moved into place
 * }</pre>
 */
public class Figure extends BufferedImage {
  /** Default size of a single chart, in pixels. */
  static final int WIDTH = 600;

  static final int HEIGHT = 400;

  private final Resizer resizer;

  /** Redraws a figure at another size. */
  @FunctionalInterface
  interface Resizer {
    Figure at(int width, int height);
  }

  /** A white figure; the subclass paints it in its constructor. */
  Figure(int width, int height, Resizer resizer) {
    super(checkSize(width), checkSize(height), BufferedImage.TYPE_INT_RGB);
    this.resizer = resizer;
    Graphics2D g = createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
    } finally {
      g.dispose();
    }
  }

  private static int checkSize(int pixels) {
    if (pixels < 1 || pixels > 10_000) {
      throw Check.badArgument(
          "Figure",
          "side of %d px must be in 1..10000 (for image grids: show fewer images or use a smaller scale)",
          pixels);
    }
    return pixels;
  }

  /** The same figure redrawn at {@code width x height} pixels. */
  public Figure size(int width, int height) {
    return resizer.at(width, height);
  }

  /** Figures side by side, top-aligned, on one white canvas (e.g. loss next to accuracy). */
  public static Figure row(Figure... parts) {
    return combine(true, List.of(parts));
  }

  /** Figures one below the other, left-aligned, on one white canvas. */
  public static Figure column(Figure... parts) {
    return combine(false, List.of(parts));
  }

  private static Figure combine(boolean horizontal, List<Figure> parts) {
    if (parts.isEmpty())
      throw Check.badArgument(horizontal ? "row" : "column", "no figures to combine");
    int along = 0;
    int across = 0;
    for (Figure f : parts) {
      along += horizontal ? f.getWidth() : f.getHeight();
      across = Math.max(across, horizontal ? f.getHeight() : f.getWidth());
    }
    final int total = along;
    final int thick = across;
    Resizer resizer =
        (w, h) -> {
          // NOTE: each part keeps its share of the long side and gets the whole short side.
          Figure[] resized = new Figure[parts.size()];
          int used = 0;
          for (int i = 0; i < resized.length; i++) {
            Figure f = parts.get(i);
            int own = horizontal ? f.getWidth() : f.getHeight();
            int share =
                i == resized.length - 1
                    ? (horizontal ? w : h) - used
                    : (int) Math.round((double) own * (horizontal ? w : h) / total);
            used += share;
            resized[i] = horizontal ? f.size(Math.max(1, share), h) : f.size(w, Math.max(1, share));
          }
          return combine(horizontal, Arrays.asList(resized));
        };
    Figure out = new Figure(horizontal ? total : thick, horizontal ? thick : total, resizer);
    Graphics2D g = out.createGraphics();
    try {
      int at = 0;
      for (Figure f : parts) {
        g.drawImage(f, horizontal ? at : 0, horizontal ? 0 : at, null);
        at += horizontal ? f.getWidth() : f.getHeight();
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /**
   * Writes this figure as a PNG file, atomically: readers see the old file or the whole new one,
   * never half of it. Missing parent folders are created. Returns this figure, so a cell can save
   * and still show it.
   */
  public Figure save(Path file) {
    write(this, file);
    return this;
  }

  /** {@link #save(Path)} with a path string, e.g. {@code fig.save("out/loss.png")}. */
  public Figure save(String file) {
    return save(Path.of(file));
  }

  /** The PNG bytes of this figure. */
  public byte[] png() {
    var bytes = new ByteArrayOutputStream();
    writePng(this, bytes);
    return bytes.toByteArray();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + getWidth() + "x" + getHeight() + "]";
  }

  // ================================================================ shared helpers

  /** PNG written atomically ({@link dl.io.SafeFiles#writeAtomically}). */
  static void write(RenderedImage image, Path file) {
    try {
      dl.io.SafeFiles.writeAtomically(file, out -> writePng(image, out));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write PNG " + file.toAbsolutePath() + ": " + dl.io.SafeFiles.reason(e), e);
    }
  }

  private static void writePng(RenderedImage image, OutputStream out) {
    try {
      if (!ImageIO.write(image, "png", out))
        throw new IOException("no PNG writer for this image type");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
    }
  }

  /** A graphics context with antialiasing for shapes and text. */
  static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    return g;
  }
}
