package dl.viz;

import dl.Check;
import dl.tensor.Tensor;
import java.awt.image.RenderedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tensors as pictures: grids of samples or predictions, learned filters, single images, and saving
 * any image as PNG. Each returns an {@link ImageGrid} (a {@code BufferedImage}).
 *
 * <pre>{@code
 * jshell> Images.grid(x.narrow(0, 0, 16), 8)                       // 16 digits, 8 per row
 * jshell> Images.predictions(x, labels, predicted, 8)                // wrong ones in red
 * jshell> Images.filters(conv1.weight())                            // blue < 0 < red
 * }</pre>
 */
public final class Images {
  private Images() {}

  /**
   * Images in a grid, {@code columns} per row. Values in [0, 1] are shown as they are, whole
   * numbers in [0, 255] divided by 255, anything else (e.g. normalised inputs) stretched over the
   * batch's range. Shape: images [N, C, H, W] (C = 1 or 3), [N, H, W] or [N, H, W, C].
   */
  public static ImageGrid grid(Tensor images, int columns) {
    return ImageGrid.of("grid", images, ImageGrid.Normalize.AUTO, 1, columns);
  }

  /** {@link #grid(Tensor, int)} with a caption under each image, e.g. its label. */
  public static ImageGrid grid(Tensor images, int columns, String... captions) {
    return grid(images, columns).captions(captions);
  }

  /**
   * Images captioned with their label, and with "label (pred p)" framed in red where the prediction
   * is wrong. Shape: images as in {@link #grid(Tensor, int)}, labels [N], predicted [N] (class
   * indices).
   *
   * <pre>{@code
   * jshell> Images.predictions(x, y, logits.argmax(1), 8, "T-shirt", "Trouser", ...)
   * }</pre>
   */
  public static ImageGrid predictions(
      Tensor images, Tensor labels, Tensor predicted, int columns, String... classNames) {
    int[] t = labels.toIntArray();
    int[] p = predicted.toIntArray();
    ImageGrid g = grid(images, columns);
    if (t.length != g.count() || p.length != g.count()) {
      throw Check.badArgument(
          "predictions",
          "%s images, %s labels, %s predictions; need one of each per image",
          g.count(),
          t.length,
          p.length);
    }
    String[] captions = new String[t.length];
    List<Integer> wrong = new ArrayList<>();
    boolean twoLines = false;
    for (int i = 0; i < t.length; i++) {
      String truth = name(t[i], classNames);
      if (t[i] == p[i]) {
        captions[i] = truth;
      } else {
        captions[i] = truth + " (pred " + name(p[i], classNames) + ")";
        twoLines |= Draw.width(Style.CAPTION.deriveFont(11f), captions[i]) > g.tileWidth() + 4;
        wrong.add(i);
      }
    }
    // NOTE: long class names ("Sneaker (pred Ankle boot)") go on two lines rather than shrink.
    if (twoLines) {
      for (int i : wrong) captions[i] = name(t[i], classNames) + "\npred " + name(p[i], classNames);
    }
    return g.captions(captions).highlight(wrong.stream().mapToInt(Integer::intValue).toArray());
  }

  private static String name(int k, String[] names) {
    return k >= 0 && k < names.length ? names[k] : String.valueOf(k);
  }

  /**
   * Learned weights as images in blue (negative), white (zero) and red (positive), each filter
   * scaled by its own largest |weight|. Shape: [out, in, kh, kw] conv weights (in = 3 is drawn as
   * one colour image per filter, grey = 0; other in as one tile per channel, a row per filter),
   * [out, h, w], or [out, features] linear weights with features a square (784 → 28x28) or three
   * squares (3072 → 3x32x32).
   *
   * <pre>{@code
   * jshell> Images.filters(linear.weight())        // [10, 784]: what each digit's unit looks for
   * }</pre>
   */
  public static ImageGrid filters(Tensor weights) {
    int[] s = weights.shape().toArray();
    Tensor tiles;
    int columns;
    if (s.length == 4 && s[1] == 3) {
      tiles = weights;
      columns = defaultColumns(s[0]);
    } else if (s.length == 4) {
      tiles = weights.reshape(s[0] * s[1], s[2], s[3]);
      columns = s[1] == 1 ? defaultColumns(s[0]) : s[1];
      if (s[1] > 1) return perFilter(tiles, s[1], columns);
    } else if (s.length == 3) {
      tiles = weights;
      columns = defaultColumns(s[0]);
    } else if (s.length == 2) {
      int f = s[1];
      int side = (int) Math.round(Math.sqrt(f));
      int rgb = (int) Math.round(Math.sqrt(f / 3.0));
      if (side * side == f) tiles = weights.reshape(s[0], side, side);
      else if (3 * rgb * rgb == f) tiles = weights.reshape(s[0], 3, rgb, rgb);
      else
        throw Check.badArgument(
            "filters",
            "%s features per unit is not a square image; reshape the weights to [out, h, w] first",
            f);
      columns = defaultColumns(s[0]);
    } else {
      throw Check.badArgument(
          "filters",
          "expected weights [out, in, kh, kw], [out, h, w] or [out, features]; got shape %s",
          weights.shape());
    }
    return ImageGrid.of(
        "filters", tiles, ImageGrid.Normalize.SYMMETRIC, 1, columns, filterTile(s[0]));
  }

  /** {@link #filters(Tensor)} with {@code columns} tiles per row. */
  public static ImageGrid filters(Tensor weights, int columns) {
    return filters(weights).columns(columns);
  }

  /** One colour scale per output filter across its input channels, so the channels compare. */
  private static ImageGrid perFilter(Tensor tiles, int in, int columns) {
    return ImageGrid.of(
        "filters", tiles, ImageGrid.Normalize.SYMMETRIC, in, columns, filterTile(tiles.size(0)));
  }

  /** Tile side in pixels: smaller when there are many filters, so 16x6 of them stay on a screen. */
  private static int filterTile(int tiles) {
    return tiles <= 32 ? 84 : tiles <= 128 ? 52 : 36;
  }

  private static int defaultColumns(int n) {
    return n <= 10 ? n : (int) Math.ceil(Math.sqrt(n));
  }

  /**
   * Segmentation masks in colour: class 0 (background) black, class k ≥ 1 in the colour {@link
   * ImageGrid#boxes} gives label k − 1, so a digit's mask (class digit + 1 in {@link
   * dl.vision.Canvases}) has the colour of its box. Shape: masks [N, H, W] holding class indices.
   *
   * <pre>{@code
   * jshell> Images.masks(set.masks().narrow(0, 0, 8), 8)
   * }</pre>
   */
  public static ImageGrid masks(Tensor masks, int columns) {
    if (masks.dim() != 3)
      throw Check.badArgument(
          "masks", "expected class indices [N, H, W], got shape %s", masks.shape());
    int[] s = masks.shape().toArray();
    int[] c = masks.toIntArray();
    int plane = s[1] * s[2];
    float[] rgb = new float[s[0] * 3 * plane];
    for (int n = 0; n < s[0]; n++) {
      for (int p = 0; p < plane; p++) {
        int k = c[n * plane + p];
        if (k < 0)
          throw Check.badArgument("masks", "class %s at image %s, pixel %s is negative", k, n, p);
        if (k == 0) continue;
        java.awt.Color col = Style.classColor(k - 1);
        int at = n * 3 * plane + p;
        rgb[at] = col.getRed() / 255f;
        rgb[at + plane] = col.getGreen() / 255f;
        rgb[at + 2 * plane] = col.getBlue() / 255f;
      }
    }
    return grid(Tensor.fromArray(rgb, s[0], 3, s[1], s[2]), columns);
  }

  /**
   * One image, scaled up like the grid's tiles. Shape: [H, W], [C, H, W] (C = 1 or 3) or [H, W, C].
   */
  public static ImageGrid of(Tensor image) {
    int[] s = image.shape().toArray();
    Tensor batch;
    if (s.length == 2) batch = image.reshape(1, s[0], s[1]);
    else if (s.length == 3 && (s[0] == 1 || s[0] == 3)) batch = image.reshape(1, s[0], s[1], s[2]);
    else if (s.length == 3 && (s[2] == 1 || s[2] == 3)) batch = image.reshape(1, s[0], s[1], s[2]);
    else
      throw Check.badArgument(
          "of", "expected an image [H, W], [C, H, W] or [H, W, C]; got shape %s", image.shape());
    return ImageGrid.of("of", batch, ImageGrid.Normalize.AUTO, 1, 1);
  }

  /**
   * Writes any image (a figure, an XChart bitmap, ...) as PNG, atomically; see {@link
   * Figure#save(Path)}.
   */
  public static void save(RenderedImage image, Path file) {
    Figure.write(image, file);
  }

  /** {@link #save(RenderedImage, Path)} with a path string. */
  public static void save(RenderedImage image, String file) {
    save(image, Path.of(file));
  }
}
