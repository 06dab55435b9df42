package dl.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dl.DType;
import dl.backend.ConvGeometry;
import dl.nn.AvgPool2d;
import dl.nn.BatchNorm2d;
import dl.nn.Conv2d;
import dl.nn.ConvTranspose2d;
import dl.nn.MaxPool2d;
import dl.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class WindowTest {
  private static String message(Executable call) {
    return assertThrows(IllegalArgumentException.class, call).getMessage();
  }

  @Test
  void everyWindowedLayerChecksItsSettingsWhenTheyAreSet() {
    assertEquals(
        "MaxPool2d: stride must be positive, got 0x0", message(() -> new MaxPool2d(3).stride(0)));
    assertEquals(
        "Conv2d: dilation must be positive, got -1x-1",
        message(() -> new Conv2d(1, 1, 3).dilation(-1)));
    assertEquals(
        "AvgPool2d: padding must be non-negative, got -1x-1",
        message(() -> new AvgPool2d(2).padding(-1)));
    assertEquals(
        "ConvTranspose2d: stride must be positive, got 0x0",
        message(() -> new ConvTranspose2d(1, 1, 3).stride(0)));
    assertEquals(
        "MaxPool2d: kernel size must be positive, got 0x2", message(() -> new MaxPool2d(0, 2)));
    assertEquals(
        "Conv2d: padding mode must be \"same\" or \"valid\", got \"full\"",
        message(() -> new Conv2d(1, 1, 3).padding("full")));
  }

  @Test
  void samePaddingFollowsTheKernelAndDilationAndNeedsStrideOne() {
    Window same = Window.of("Conv2d", 4, 4).padding("same");
    assertArrayEquals(
        new int[] {1, 2, 1, 2}, same.paddingPerSide(), "even kernel: 1 before, 2 after");
    assertArrayEquals(new int[] {3, 3, 3, 3}, same.dilation(2).paddingPerSide(), "span 7");
    // Checked where the window is used, so a chain may pass through a stride it then sets back.
    assertEquals(
        "Conv2d: padding \"same\" needs stride 1, got 2x2",
        message(() -> same.stride(2).over(1, 1, 8, 8)));
    assertEquals(
        "Conv2d: padding \"same\" needs stride 1, got 2x2",
        message(() -> Window.of("Conv2d", 3, 3).stride(2).padding("same").over(1, 1, 8, 8)));
    assertArrayEquals(
        new int[] {1, 1, 1, 1},
        Window.of("Conv2d", 3, 3).stride(2).padding("same").stride(1).paddingPerSide());
    var conv = new dl.nn.Conv2d(1, 1, 3).stride(2).padding("same");
    assertEquals(
        "Conv2d: padding \"same\" needs stride 1, got 2x2",
        message(() -> conv.forward(dl.tensor.Tensor.zeros(1, 1, 8, 8)))
            .replaceFirst("^.*?Conv2d: padding", "Conv2d: padding"));
    assertArrayEquals(new int[] {0, 0, 0, 0}, same.padding("valid").paddingPerSide());
  }

  @Test
  void theArrayFormIsTheChainedForm() {
    Window chained = Window.of("op", 3, 2).stride(2, 1).padding(1, 0).dilation(1, 2);
    Window arrays =
        Window.of(
            "op", new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1, 0, 0}, new int[] {1, 2});
    assertEquals(chained, arrays);
    assertEquals(
        new ConvGeometry(2, 3, 9, 8, 3, 2, 2, 1, 1, 1, 0, 0, 1, 2), arrays.over(2, 3, 9, 8));
    assertArrayEquals(new int[] {3, 3}, arrays.span());
    assertEquals(
        "maxPool2d: padding must be {top, bottom, left, right}, got [0, 0]",
        message(
            () ->
                Pool.maxPool2d(
                    Tensor.zeros(1, 1, 4, 4),
                    new int[] {2, 2},
                    new int[] {2, 2},
                    new int[] {0, 0},
                    new int[] {1, 1})));
    assertEquals(
        "conv2d: padding must be non-negative, got [0, -1, 0, 0]",
        message(
            () ->
                Conv.conv2d(
                    Tensor.zeros(1, 1, 4, 4),
                    Tensor.zeros(1, 1, 3, 3),
                    null,
                    new int[] {1, 1},
                    new int[] {0, -1, 0, 0},
                    new int[] {1, 1},
                    1)));
  }

  @Test
  void aLayersBadInputIsReportedOnceWithTheLayerAndTheFunction() {
    // The layer adds who it is; the function says what was wrong. Nothing is said twice.
    assertEquals(
        "Conv2d(3 -> 8, kernel 3x3): conv2d: expected input [N, 3, H, W], got [2,1,28,28] (1"
            + " channels)",
        message(() -> new Conv2d(3, 8, 3).forward(Tensor.zeros(2, 1, 28, 28))));
    assertEquals(
        "MaxPool2d(3x3, stride 3): maxPool2d: padding [2, 2, 2, 2] must be at most half the kernel"
            + " [3, 3], or a window could see only padding",
        message(() -> new MaxPool2d(3).padding(2).forward(Tensor.zeros(1, 1, 8, 8))));
    assertEquals(
        "BatchNorm2d(4): batchNorm: expected input [N, 4, ...], got [2,3,5,5]",
        message(() -> new BatchNorm2d(4).forward(Tensor.zeros(2, 3, 5, 5))));
  }

  @Test
  void ceilModeAddsOnlyTheRowsThePartialWindowsNeed() {
    // 7×7 pooled 2×2: 4×4 in ceil mode, and the window of the layer itself does not change.
    MaxPool2d pool = new MaxPool2d(2).ceilMode(true);
    assertArrayEquals(
        new int[] {1, 1, 4, 4}, pool.forward(Tensor.zeros(1, 1, 7, 7)).shape().toArray());
    assertArrayEquals(new int[] {0, 0, 0, 0}, pool.window().paddingPerSide());
  }

  @Test
  void aBiasOfTheOutputsTypeIsAddedByTheConvolutionAndAWiderOneWidensIt() {
    Tensor x = Tensor.ones(1, 1, 3, 3), w = Tensor.ones(2, 1, 3, 3);
    int[] one = {1, 1}, none = Conv.pad(0, 0);
    Tensor y = Conv.conv2d(x, w, Tensor.of(0.5f, -1f), one, none, one, 1);
    assertArrayEquals(new float[] {9.5f, 8f}, y.toFloatArray());
    assertEquals(DType.FLOAT32, y.dtype());
    Tensor wide = Conv.conv2d(x, w, Tensor.of(0.5f, -1f).to(DType.FLOAT64), one, none, one, 1);
    assertEquals(DType.FLOAT64, wide.dtype());
    assertArrayEquals(new float[] {9.5f, 8f}, wide.toFloatArray());
    assertEquals(
        "conv2d: expected bias [2] (one per output channel), got [3]",
        message(() -> Conv.conv2d(x, w, Tensor.of(1f, 2f, 3f), one, none, one, 1)));
  }
}
