package dl.viz;

import dl.Check;
import dl.tensor.Tensor;
import dl.vision.Box;
import dl.vision.Detection;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Images in a grid, each scaled up by whole pixels (nearest neighbour, so a 28x28 digit stays
 * sharp) with an optional caption under it; row 0 of an image is drawn at the top. Made by {@link
 * Images}; every method returns a new grid.
 *
 * <pre>{@code
 * jshell> Images.grid(batch, 8).scale(4).title("First batch")
 * }</pre>
 */
public final class ImageGrid extends Figure {
  private static final int MARGIN = 10;
  private static final int GAP = 6;

  /** Default tile side: a 28x28 digit is drawn 3x, at 84 pixels. */
  private static final int TILE = 84;

  /** Tiles with values already in [0, 1]; one channel (a colour map applies) or three (RGB). */
  static final class Spec implements Cloneable {
    final float[][] tiles; // [n][c * h * w]
    final int channels;
    final int h;
    final int w;
    int columns;
    int scale;
    String title;
    String[] captions;
    boolean[] highlight;
    Colormap colormap = Colormap.GRAY;
    int fixedWidth;
    int fixedHeight;
    List<List<Overlay>> overlays;

    Spec(float[][] tiles, int channels, int h, int w, int tileSide) {
      this.tiles = tiles;
      this.channels = channels;
      this.h = h;
      this.w = w;
      this.columns = Math.max(1, Math.min(tiles.length, 8));
      this.scale = Math.max(1, (int) Math.round((double) tileSide / Math.max(h, w)));
    }

    Spec copy() {
      try {
        return (Spec) super.clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** A box drawn over a tile, in image pixels, with its tag (label, score). */
  record Overlay(Box box, String tag) {}

  private final Spec spec;
  private int originX;
  private int originY;
  private int scale;
  private int captionH;
  private int titleH;

  ImageGrid(Spec spec) {
    super(
        sizeOf(spec)[0],
        sizeOf(spec)[1],
        (w, h) -> {
          Spec s = spec.copy();
          s.fixedWidth = w;
          s.fixedHeight = h;
          return new ImageGrid(s);
        });
    this.spec = spec;
    paint();
  }

  private ImageGrid with(Consumer<Spec> change) {
    Spec s = spec.copy();
    change.accept(s);
    return new ImageGrid(s);
  }

  // ================================================================ settings

  /** The same images with {@code columns} per row. */
  public ImageGrid columns(int columns) {
    if (columns < 1) throw new IllegalArgumentException("columns: " + columns + " is not >= 1");
    return with(s -> s.columns = Math.min(columns, s.tiles.length));
  }

  /** The same images drawn {@code factor} screen pixels per image pixel. */
  public ImageGrid scale(int factor) {
    if (factor < 1 || factor > 64)
      throw new IllegalArgumentException("scale: " + factor + " is not in 1..64");
    return with(
        s -> {
          s.scale = factor;
          s.fixedWidth = 0;
          s.fixedHeight = 0;
        });
  }

  /** The same grid with a title above it. */
  public ImageGrid title(String title) {
    return with(s -> s.title = title);
  }

  /** The same images with one caption each (null or "" for none), e.g. the labels. */
  public ImageGrid captions(String... captions) {
    if (captions.length != spec.tiles.length) {
      throw Check.badArgument(
          "captions", "%s captions for %s images", captions.length, spec.tiles.length);
    }
    return with(s -> s.captions = captions.clone());
  }

  /** The same grid with these tiles framed and captioned in red, e.g. the wrong predictions. */
  public ImageGrid highlight(int... tiles) {
    boolean[] mark =
        spec.highlight != null ? spec.highlight.clone() : new boolean[spec.tiles.length];
    for (int t : tiles) {
      if (t < 0 || t >= mark.length)
        throw Check.badArgument("highlight", "tile %s is not in 0..%s", t, mark.length - 1);
      mark[t] = true;
    }
    return with(s -> s.highlight = mark);
  }

  /** The same one-channel images in another colour map (default {@link Colormap#GRAY}). */
  public ImageGrid colormap(Colormap colormap) {
    return with(s -> s.colormap = colormap);
  }

  /**
   * The same grid on a canvas of exactly {@code width x height}, at the largest scale that fits.
   */
  @Override
  public ImageGrid size(int width, int height) {
    return with(
        s -> {
          s.fixedWidth = width;
          s.fixedHeight = height;
        });
  }

  /**
   * The same grid with boxes drawn over the images, one list per image, each box in the colour of
   * its label and tagged with it (e.g. a detection data set's true boxes). Boxes are in image
   * pixels, as {@link Box} defines them.
   */
  public ImageGrid boxes(List<List<Box>> perImage) {
    List<List<Overlay>> o = new ArrayList<>();
    for (List<Box> boxes : checkPerImage("boxes", perImage))
      o.add(boxes.stream().map(b -> new Overlay(b, String.valueOf(b.label()))).toList());
    return withOverlays(o);
  }

  /**
   * The same grid with detections drawn over the images, one list per image, each box in the colour
   * of its label and tagged "label score" (e.g. "7 .93").
   */
  public ImageGrid detections(List<List<Detection>> perImage) {
    List<List<Overlay>> o = new ArrayList<>();
    for (List<Detection> ds : checkPerImage("detections", perImage))
      o.add(
          ds.stream()
              .map(
                  d ->
                      new Overlay(
                          d.box(),
                          d.label()
                              + " "
                              + String.format(Locale.ROOT, "%.2f", d.score()).replace("0.", ".")))
              .toList());
    return withOverlays(o);
  }

  private <T> List<List<T>> checkPerImage(String op, List<List<T>> perImage) {
    if (perImage.size() != spec.tiles.length)
      throw Check.badArgument(
          op, "%s lists of boxes for %s images", perImage.size(), spec.tiles.length);
    return perImage;
  }

  private ImageGrid withOverlays(List<List<Overlay>> o) {
    return with(
        s -> {
          List<List<Overlay>> all = new ArrayList<>();
          for (int i = 0; i < s.tiles.length; i++) {
            List<Overlay> tile = new ArrayList<>();
            if (s.overlays != null) tile.addAll(s.overlays.get(i));
            tile.addAll(o.get(i));
            all.add(tile);
          }
          s.overlays = all;
        });
  }

  /** Number of images in the grid. */
  public int count() {
    return spec.tiles.length;
  }

  // ================================================================ layout and drawing

  private static int rows(Spec s) {
    return (s.tiles.length + s.columns - 1) / s.columns;
  }

  private static boolean hasCaptions(Spec s) {
    if (s.captions == null) return false;
    for (String c : s.captions) if (c != null && !c.isEmpty()) return true;
    return false;
  }

  private static int captionLines(Spec s) {
    int lines = 0;
    if (s.captions != null)
      for (String c : s.captions)
        if (c != null && !c.isEmpty()) lines = Math.max(lines, c.split("\n", -1).length);
    return lines;
  }

  /** Height of the caption strip under each tile and of the title (measured once per font). */
  private static int[] textHeights(Spec s) {
    var scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scratch.createGraphics();
    try {
      int cap = hasCaptions(s) ? captionLines(s) * Draw.height(g, Style.CAPTION) + 4 : 0;
      int title = s.title != null && !s.title.isEmpty() ? Draw.height(g, Style.TITLE) + 10 : 0;
      return new int[] {cap, title};
    } finally {
      g.dispose();
    }
  }

  private static int[] natural(Spec s, int scale, int[] text) {
    int cols = s.columns;
    int rows = rows(s);
    int width = 2 * MARGIN + cols * s.w * scale + (cols - 1) * GAP;
    int height = 2 * MARGIN + text[1] + rows * (s.h * scale + text[0]) + (rows - 1) * GAP;
    if (text[1] > 0) width = Math.max(width, 2 * MARGIN + 120);
    return new int[] {width, height};
  }

  private static int fittedScale(Spec s, int[] text) {
    if (s.fixedWidth <= 0) return s.scale;
    int best = 1;
    for (int k = 1; k <= 64; k++) {
      int[] n = natural(s, k, text);
      if (n[0] <= s.fixedWidth && n[1] <= s.fixedHeight) best = k;
    }
    return best;
  }

  private static int[] sizeOf(Spec s) {
    int[] text = textHeights(s);
    if (s.fixedWidth > 0) return new int[] {s.fixedWidth, s.fixedHeight};
    return natural(s, s.scale, text);
  }

  /** Top-left pixel of tile {@code i} (tests read tile colours there). */
  int[] tileOrigin(int i) {
    int r = i / spec.columns;
    int c = i % spec.columns;
    return new int[] {
      originX + c * (spec.w * scale + GAP), originY + titleH + r * (spec.h * scale + captionH + GAP)
    };
  }

  int scaleUsed() {
    return scale;
  }

  private void paint() {
    int[] text = textHeights(spec);
    captionH = text[0];
    titleH = text[1];
    scale = fittedScale(spec, text);
    int[] n = natural(spec, scale, text);
    originX = (getWidth() - (spec.columns * spec.w * scale + (spec.columns - 1) * GAP)) / 2;
    originY = (getHeight() - n[1]) / 2 + MARGIN;
    int tw = spec.w * scale;
    int th = spec.h * scale;
    for (int i = 0; i < spec.tiles.length; i++) {
      int[] o = tileOrigin(i);
      paintTile(spec.tiles[i], o[0], o[1]);
    }
    Graphics2D g = graphics(this);
    try {
      Font captionFont = captionFont(g, tw + GAP - 2);
      int lineH = Draw.height(g, Style.CAPTION);
      for (int i = 0; i < spec.tiles.length; i++) {
        int[] o = tileOrigin(i);
        boolean marked = spec.highlight != null && spec.highlight[i];
        g.setStroke(new BasicStroke(marked ? 3f : 1f));
        g.setColor(marked ? Style.WRONG : Style.BORDER);
        if (marked) g.draw(new Rectangle2D.Double(o[0] - 1.5, o[1] - 1.5, tw + 2, th + 2));
        else g.draw(new Rectangle2D.Double(o[0] - 0.5, o[1] - 0.5, tw, th));
        String cap = spec.captions != null ? spec.captions[i] : null;
        if (cap != null && !cap.isEmpty()) {
          g.setFont(captionFont);
          g.setColor(marked ? Style.WRONG : Style.TEXT);
          String[] lines = cap.split("\n", -1);
          for (int k = 0; k < lines.length; k++) {
            Draw.centered(
                g,
                Draw.ellipsize(g, lines[k], tw + GAP - 2),
                o[0] + tw / 2.0,
                o[1] + th + 3 + (k + 0.5) * lineH);
          }
        }
      }
      if (spec.overlays != null) {
        for (int i = 0; i < spec.tiles.length; i++) paintOverlays(g, i, tileOrigin(i));
      }
      if (titleH > 0) {
        g.setFont(Style.TITLE);
        g.setColor(Style.TEXT);
        Draw.centered(
            g,
            Draw.ellipsize(g, spec.title, getWidth() - 2 * MARGIN),
            getWidth() / 2.0,
            originY + (titleH - 10) / 2.0);
      }
    } finally {
      g.dispose();
    }
  }

  /** The boxes of tile {@code i}, clipped to the tile, each with its tag in a coloured label. */
  private void paintOverlays(Graphics2D g, int i, int[] o) {
    int tw = spec.w * scale;
    int th = spec.h * scale;
    var clip = g.getClip();
    g.clipRect(o[0], o[1], tw, th);
    Font tagFont = Style.CAPTION.deriveFont(Font.BOLD, 11f);
    g.setFont(tagFont);
    int tagH = Draw.height(g, tagFont);
    for (Overlay ov : spec.overlays.get(i)) {
      Box b = ov.box();
      Color c = Style.classColor(b.label());
      double x = o[0] + b.x0() * scale;
      double y = o[1] + b.y0() * scale;
      g.setColor(c);
      g.setStroke(new BasicStroke(2f));
      g.draw(new Rectangle2D.Double(x, y, b.width() * scale, b.height() * scale));
      int tagW = Draw.width(g, tagFont, ov.tag()) + 4;
      // NOTE: the tag sits above the box's top-left corner, or just inside it at the tile's top.
      double ty = y - tagH >= o[1] ? y - tagH : y;
      g.fill(new Rectangle2D.Double(x - 1, ty, tagW, tagH));
      g.setColor(Style.luminance(c) < 0.55 ? Color.WHITE : Style.TEXT);
      Draw.leftAligned(g, ov.tag(), x + 1, ty + tagH / 2.0);
    }
    g.setClip(clip);
  }

  /** One caption size for all tiles: the largest, down to 10 pt, at which every line fits. */
  private Font captionFont(Graphics2D g, double room) {
    Font f = Style.CAPTION;
    if (spec.captions == null) return f;
    for (String c : spec.captions) {
      if (c == null) continue;
      for (String line : c.split("\n", -1)) {
        Font fit = Draw.fit(g, f, line, room, Double.MAX_VALUE, 10);
        f = fit != null ? fit : f.deriveFont(10f);
      }
    }
    return f;
  }

  /** Width of one tile in pixels at the current scale. */
  int tileWidth() {
    return spec.w * scale;
  }

  private void paintTile(float[] data, int x0, int y0) {
    int hw = spec.h * spec.w;
    for (int y = 0; y < spec.h; y++) {
      for (int x = 0; x < spec.w; x++) {
        int p = y * spec.w + x;
        int rgb;
        if (spec.channels == 3) {
          rgb = (byte255(data[p]) << 16) | (byte255(data[hw + p]) << 8) | byte255(data[2 * hw + p]);
        } else {
          rgb = spec.colormap.rgb(data[p]);
        }
        for (int dy = 0; dy < scale; dy++) {
          int py = y0 + y * scale + dy;
          if (py < 0 || py >= getHeight()) continue;
          for (int dx = 0; dx < scale; dx++) {
            int px = x0 + x * scale + dx;
            if (px >= 0 && px < getWidth()) setRGB(px, py, rgb);
          }
        }
      }
    }
  }

  private static int byte255(float v) {
    if (Float.isNaN(v)) return 0xdd;
    return Math.max(0, Math.min(255, Math.round(v * 255)));
  }

  // ================================================================ from tensors

  enum Normalize {
    /**
     * [0, 1] as is, whole numbers in [0, 255] divided by 255, anything else min-max over the whole
     * batch.
     */
    AUTO,
    /**
     * Each group of tiles divided by its largest |value| and centred: 0 maps to 0.5 (white in
     * DIVERGING).
     */
    SYMMETRIC
  }

  /**
   * A grid from a batch [N, C, H, W] (C = 1 or 3), [N, H, W], or channels-last [N, H, W, C]; for
   * {@link Normalize#SYMMETRIC}, each {@code group} consecutive tiles share one scale.
   */
  static ImageGrid of(String op, Tensor batch, Normalize mode, int group, int columns) {
    return of(op, batch, mode, group, columns, TILE);
  }

  /**
   * {@link #of(String, Tensor, Normalize, int, int)} with tiles about {@code tileSide} pixels wide.
   */
  static ImageGrid of(
      String op, Tensor batch, Normalize mode, int group, int columns, int tileSide) {
    int[] s = batch.shape().toArray();
    int n;
    int c;
    int h;
    int w;
    boolean channelsLast = false;
    if (s.length == 3) {
      n = s[0];
      c = 1;
      h = s[1];
      w = s[2];
    } else if (s.length == 4 && (s[1] == 1 || s[1] == 3)) {
      n = s[0];
      c = s[1];
      h = s[2];
      w = s[3];
    } else if (s.length == 4 && (s[3] == 1 || s[3] == 3)) {
      n = s[0];
      h = s[1];
      w = s[2];
      c = s[3];
      channelsLast = true;
    } else {
      throw Check.badArgument(
          op,
          "expected images [N, C, H, W] with C = 1 or 3, [N, H, W] or [N, H, W, C]; got shape %s",
          batch.shape());
    }
    if (n == 0 || h == 0 || w == 0)
      throw new IllegalArgumentException(op + ": no pixels in shape " + batch.shape());
    float[] d = batch.toFloatArray();
    int size = c * h * w;
    float[][] tiles = new float[n][size];
    for (int i = 0; i < n; i++) {
      if (!channelsLast) {
        System.arraycopy(d, i * size, tiles[i], 0, size);
      } else {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            for (int k = 0; k < c; k++)
              tiles[i][k * h * w + y * w + x] = d[i * size + (y * w + x) * c + k];
          }
        }
      }
    }
    normalize(tiles, mode, group);
    Spec spec = new Spec(tiles, c, h, w, tileSide);
    if (columns < 1)
      throw new IllegalArgumentException(op + ": columns " + columns + " is not >= 1");
    spec.columns = Math.min(columns, n);
    if (mode == Normalize.SYMMETRIC && c == 1) spec.colormap = Colormap.DIVERGING;
    return new ImageGrid(spec);
  }

  private static void normalize(float[][] tiles, Normalize mode, int group) {
    if (mode == Normalize.SYMMETRIC) {
      for (int g0 = 0; g0 < tiles.length; g0 += group) {
        float m = 0;
        for (int k = g0; k < Math.min(tiles.length, g0 + group); k++) {
          for (float v : tiles[k]) if (Float.isFinite(v)) m = Math.max(m, Math.abs(v));
        }
        for (int k = g0; k < Math.min(tiles.length, g0 + group); k++) {
          float[] t = tiles[k];
          for (int i = 0; i < t.length; i++) t[i] = m > 0 ? 0.5f + 0.5f * t[i] / m : 0.5f;
        }
      }
      return;
    }
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float[] t : tiles) {
      for (float v : t) {
        if (Float.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) return;
    boolean integers = true;
    for (float[] t : tiles)
      for (float v : t) if (Float.isFinite(v) && v != Math.rint(v)) integers = false;
    float offset;
    float span;
    if (lo >= 0 && hi <= 1) {
      offset = 0;
      span = 1;
    } else if (integers && lo >= 0 && hi <= 255) {
      // NOTE: only whole numbers are read as bytes; 0..1.3 after adding noise is stretched instead.
      offset = 0;
      span = 255;
    } else {
      offset = lo;
      span = hi > lo ? hi - lo : 1;
    }
    for (float[] t : tiles) for (int i = 0; i < t.length; i++) t[i] = (t[i] - offset) / span;
  }

  @Override
  public String toString() {
    return "ImageGrid["
        + getWidth()
        + "x"
        + getHeight()
        + ", "
        + spec.tiles.length
        + " images "
        + spec.channels
        + "x"
        + spec.h
        + "x"
        + spec.w
        + ", scale "
        + scale
        + "]";
  }
}
