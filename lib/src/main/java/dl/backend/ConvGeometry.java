package dl.backend;

/**
 * Where a sliding 2-D window goes over a batch of images [N, C, H, W]: kernel size, stride, padding
 * (top, bottom, left, right: "same" padding with an even kernel is uneven) and dilation.
 * Convolution, its transpose and pooling all share it.
 */
public record ConvGeometry(
    int n,
    int c,
    int h,
    int w,
    int kh,
    int kw,
    int strideH,
    int strideW,
    int padTop,
    int padBottom,
    int padLeft,
    int padRight,
    int dilationH,
    int dilationW) {

  /**
   * Output size along one axis: ⌊(in + padding − d·(k − 1) − 1) / s⌋ + 1, where padding is the
   * total added on both sides (2p when symmetric).
   */
  public static int outputSize(int in, int kernel, int stride, int totalPadding, int dilation) {
    return Math.floorDiv(in + totalPadding - dilation * (kernel - 1) - 1, stride) + 1;
  }

  public int outH() {
    return outputSize(h, kh, strideH, padTop + padBottom, dilationH);
  }

  public int outW() {
    return outputSize(w, kw, strideW, padLeft + padRight, dilationW);
  }

  /** Columns of the unfolded matrix: one per output position of every image, N·OH·OW. */
  public int columns() {
    return n * outH() * outW();
  }

  /** Rows of the unfolded matrix: one per (channel, kernel row, kernel column), C·kh·kw. */
  public int rows() {
    return c * kh * kw;
  }
}
