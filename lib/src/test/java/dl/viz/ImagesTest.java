package dl.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.awt.Color;
import org.junit.jupiter.api.Test;

class ImagesTest {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** {@code n} 28x28 images whose top half is white (1) and bottom half black (0). */
  static Tensor topWhite(int n) {
    float[] d = new float[n * 28 * 28];
    for (int k = 0; k < n; k++)
      for (int y = 0; y < 14; y++) for (int x = 0; x < 28; x++) d[k * 784 + y * 28 + x] = 1f;
    return Tensor.fromArray(d, n, 1, 28, 28);
  }

  @Test
  void gridOfTenDigitsInFiveColumnsHasTheExpectedSize() {
    ImageGrid g = Images.grid(topWhite(10), 5);
    assertEquals(3, g.scaleUsed(), "28x28 digits drawn 3x");
    // 2 margins of 10, 5 tiles of 84, 4 gaps of 6; 2 rows and 1 gap
    assertEquals(2 * 10 + 5 * 84 + 4 * 6, g.getWidth());
    assertEquals(2 * 10 + 2 * 84 + 6, g.getHeight());
    assertEquals(10, g.count());
    assertEquals(g.getWidth() + 2 * 84 + 2 * 6, Images.grid(topWhite(10), 7).getWidth());
  }

  @Test
  void tilesAreDrawnTopRowFirstWithNearestNeighbourScaling() {
    ImageGrid g = Images.grid(topWhite(3), 3);
    for (int i = 0; i < 3; i++) {
      int[] o = g.tileOrigin(i);
      assertEquals(Color.WHITE, Pixels.at(g, o[0] + 5, o[1] + 2), "top of tile " + i);
      assertEquals(Color.BLACK, Pixels.at(g, o[0] + 5, o[1] + 84 - 3), "bottom of tile " + i);
      // the edge between white and black is sharp: row 13 scaled 3x ends at pixel 41
      assertEquals(Color.WHITE, Pixels.at(g, o[0] + 40, o[1] + 41));
      assertEquals(Color.BLACK, Pixels.at(g, o[0] + 40, o[1] + 42));
    }
  }

  @Test
  void valuesAreScaledByTheBatchRange() {
    Tensor bytes = topWhite(1).mul(255);
    ImageGrid a = Images.grid(topWhite(1), 1);
    ImageGrid b = Images.grid(bytes, 1);
    assertEquals(
        a.getRGB(a.tileOrigin(0)[0] + 3, a.tileOrigin(0)[1] + 3),
        b.getRGB(b.tileOrigin(0)[0] + 3, b.tileOrigin(0)[1] + 3),
        "0..255 is read as 0..1");
    ImageGrid half = Images.grid(topWhite(1).mul(0.5), 1);
    Color grey = Pixels.at(half, half.tileOrigin(0)[0] + 3, half.tileOrigin(0)[1] + 3);
    Pixels.assertNear(new Color(128, 128, 128), grey, 2, "values in [0, 1] are not stretched");
    ImageGrid noisy = Images.grid(topWhite(1).mul(1.3), 1);
    assertEquals(
        Color.WHITE,
        Pixels.at(noisy, noisy.tileOrigin(0)[0] + 3, noisy.tileOrigin(0)[1] + 3),
        "0..1.3 is stretched, not read as bytes");
    ImageGrid normalised = Images.grid(topWhite(1).sub(0.1307).div(0.3081), 1);
    assertEquals(
        Color.WHITE,
        Pixels.at(normalised, normalised.tileOrigin(0)[0] + 3, normalised.tileOrigin(0)[1] + 3),
        "standardised input stretched back");
  }

  @Test
  void rgbAndChannelsLastImagesKeepTheirColours() {
    float[] red = new float[3 * 4 * 4];
    for (int i = 0; i < 16; i++) red[i] = 1f; // channel 0 only
    ImageGrid g = Images.grid(Tensor.fromArray(red, 1, 3, 4, 4), 1);
    assertEquals(
        new Color(255, 0, 0), Pixels.at(g, g.tileOrigin(0)[0] + 1, g.tileOrigin(0)[1] + 1));
    float[] hwc = new float[4 * 4 * 3];
    for (int p = 0; p < 16; p++) hwc[3 * p + 1] = 1f; // green, channels last
    ImageGrid h = Images.of(Tensor.fromArray(hwc, 4, 4, 3));
    assertEquals(
        new Color(0, 255, 0), Pixels.at(h, h.tileOrigin(0)[0] + 1, h.tileOrigin(0)[1] + 1));
    assertEquals(21, h.scaleUsed(), "a 4x4 image is blown up to about 84 pixels");
  }

  @Test
  void captionsAddAStripAndWrongPredictionsAreRed() {
    ImageGrid plain = Images.grid(topWhite(4), 4);
    ImageGrid captioned = Images.grid(topWhite(4), 4, "7", "2", "1", "0");
    assertTrue(captioned.getHeight() > plain.getHeight() + 10, "room for the captions");
    assertEquals(plain.getWidth(), captioned.getWidth());

    ImageGrid p = Images.predictions(topWhite(4), Tensor.of(7, 2, 1, 0), Tensor.of(7, 3, 1, 0), 4);
    int[] ok = p.tileOrigin(0);
    int[] wrong = p.tileOrigin(1);
    Pixels.assertNear(
        Style.WRONG,
        Pixels.at(p, wrong[0] - 2, wrong[1] + 40),
        10,
        "red frame round the wrong one");
    assertTrue(
        Pixels.distance(Style.WRONG, Pixels.at(p, ok[0] - 2, ok[1] + 40)) > 60,
        "no red frame round a right one");
    int redBelowWrong =
        Pixels.count(
            p.getSubimage(wrong[0], wrong[1] + 84, 84, p.getHeight() - wrong[1] - 84),
            Style.WRONG,
            40);
    int redBelowOk =
        Pixels.count(
            p.getSubimage(ok[0], ok[1] + 84, 84, p.getHeight() - ok[1] - 84), Style.WRONG, 40);
    assertTrue(
        redBelowWrong > 15 && redBelowOk == 0,
        "red caption only under the wrong one: " + redBelowWrong + ", " + redBelowOk);
    assertThrows(IllegalArgumentException.class, () -> Images.grid(topWhite(4), 4, "too", "few"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Images.predictions(topWhite(4), Tensor.of(1, 2), Tensor.of(1, 2), 4));
  }

  @Test
  void longClassNamesGoOnTwoLines() {
    String[] names = {
      "T-shirt/top",
      "Trouser",
      "Pullover",
      "Dress",
      "Coat",
      "Sandal",
      "Shirt",
      "Sneaker",
      "Bag",
      "Ankle boot"
    };
    ImageGrid oneLine = Images.predictions(topWhite(2), Tensor.of(1, 2), Tensor.of(1, 2), 2, names);
    ImageGrid twoLines =
        Images.predictions(topWhite(2), Tensor.of(9, 2), Tensor.of(7, 2), 2, names);
    assertTrue(twoLines.getHeight() > oneLine.getHeight() + 10, "a second caption line");
  }

  @Test
  void filtersAreBlueForNegativeRedForPositiveWhiteForZeroPerFilter() {
    float[] w = new float[2 * 3 * 3];
    w[0] = -1f; // filter 0: top-left negative, the rest zero
    w[8] = 0.5f; // filter 0: bottom-right positive, half the largest |w|
    w[9] = 100f; // filter 1: a much larger scale must not wash out filter 0
    ImageGrid g = Images.filters(Tensor.fromArray(w, 2, 1, 3, 3));
    int s = g.scaleUsed();
    int[] o = g.tileOrigin(0);
    Color neg = Pixels.at(g, o[0] + s / 2, o[1] + s / 2);
    Color zero = Pixels.at(g, o[0] + s + s / 2, o[1] + s / 2);
    Color pos = Pixels.at(g, o[0] + 2 * s + s / 2, o[1] + 2 * s + s / 2);
    assertEquals(Colormap.DIVERGING.color(0), neg, "-max is the darkest blue");
    assertEquals(Colormap.DIVERGING.color(0.5), zero, "zero is white");
    assertEquals(Colormap.DIVERGING.color(0.75), pos, "half of +max is light red");
    int[] o1 = g.tileOrigin(1);
    assertEquals(
        Colormap.DIVERGING.color(1),
        Pixels.at(g, o1[0] + s / 2, o1[1] + s / 2),
        "each filter has its own scale");
  }

  @Test
  void filtersAcceptConvLinearAndRgbWeights() {
    assertEquals(
        10, Images.filters(Tensor.randn(10, 784)).count(), "[10, 784] is ten 28x28 images");
    assertEquals(
        4,
        Images.filters(Tensor.randn(4, 3072)).count(),
        "[4, 3072] is four 3x32x32 colour images");
    assertEquals(
        16 * 6, Images.filters(Tensor.randn(16, 6, 5, 5)).count(), "one tile per input channel");
    assertEquals(
        8,
        Images.filters(Tensor.randn(8, 3, 5, 5)).count(),
        "RGB filters are one colour image each");
    var e = assertThrows(IllegalArgumentException.class, () -> Images.filters(Tensor.randn(3, 10)));
    assertTrue(e.getMessage().contains("reshape"), e.getMessage());
  }

  @Test
  void oneImageAndBadShapes() {
    ImageGrid g = Images.of(topWhite(1).reshape(28, 28));
    assertEquals(1, g.count());
    assertEquals(2 * 10 + 84, g.getWidth());
    assertEquals(g.getWidth(), Images.of(topWhite(1).reshape(1, 28, 28)).getWidth());
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Images.grid(Tensor.zeros(2, 5, 8, 8), 2));
    assertTrue(e.getMessage().contains("[2,5,8,8]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Images.of(Tensor.zeros(784)));
  }

  @Test
  void gridSettingsChain() {
    ImageGrid g = Images.grid(topWhite(6), 3).scale(2).title("Digits").columns(2);
    assertEquals(2, g.scaleUsed());
    assertEquals(140, g.getWidth(), "two 56-pixel columns (138 wide), widened to fit the title");
    ImageGrid fitted = Images.grid(topWhite(6), 3).size(400, 300);
    assertEquals(400, fitted.getWidth());
    assertEquals(300, fitted.getHeight());
    assertTrue(fitted.scaleUsed() >= 3, "largest scale that fits");
    assertThrows(IllegalArgumentException.class, () -> g.highlight(6));
  }
}
