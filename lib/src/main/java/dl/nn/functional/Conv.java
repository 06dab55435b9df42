package dl.nn.functional;

import dl.autograd.NoGrad;
import dl.autograd.ops.BatchNormOp;
import dl.autograd.ops.Convolution;
import dl.autograd.ops.Fold;
import dl.autograd.ops.MaxPool2dOp;
import dl.autograd.ops.Scatter;
import dl.autograd.ops.Unfold;
import dl.backend.ConvGeometry;
import dl.tensor.Rng;
import dl.tensor.Shape;
import dl.tensor.Tensor;
import dl.tensor.TensorMath;
import java.util.Arrays;

/**
 * The stateless functions behind the CNN layers, all on images [N, C, H, W]. Convolution is a
 * matrix product over unfolded windows (im2col), one primitive ({@link Convolution}) with its
 * forward and backward equations side by side; everything else is composed from tensor ops.
 *
 * <p>Sizes come as {@code {h, w}} pairs and padding as {@code {top, bottom, left, right}}.
 */
public final class Conv {
  private Conv() {}

  static void positive(String layer, String what, int... values) {
    for (int v : values) {
      if (v <= 0)
        throw new IllegalArgumentException(
            layer + ": " + what + " must be positive, got " + Arrays.toString(values));
    }
  }

  static void images(String layer, Tensor x, int channels) {
    if (x.dim() != 4) {
      throw new IllegalArgumentException(
          layer
              + ": expected input [N, "
              + channels
              + ", H, W], got "
              + x.shape()
              + " (rank "
              + x.dim()
              + ")");
    }
    if (x.size(1) != channels) {
      throw new IllegalArgumentException(
          layer
              + ": expected input [N, "
              + channels
              + ", H, W], got "
              + x.shape()
              + " ("
              + x.size(1)
              + " channels)");
    }
  }

  static ConvGeometry geometry(
      String layer, Tensor x, int kh, int kw, int[] stride, int[] padding, int[] dilation) {
    positive(layer, "stride", stride);
    positive(layer, "dilation", dilation);
    for (int p : padding)
      if (p < 0)
        throw new IllegalArgumentException(
            layer + ": padding must be >= 0, got " + Arrays.toString(padding));
    ConvGeometry g =
        new ConvGeometry(
            x.size(0),
            x.size(1),
            x.size(2),
            x.size(3),
            kh,
            kw,
            stride[0],
            stride[1],
            padding[0],
            padding[1],
            padding[2],
            padding[3],
            dilation[0],
            dilation[1]);
    if (g.outH() <= 0 || g.outW() <= 0) {
      int spanH = dilation[0] * (kh - 1) + 1, spanW = dilation[1] * (kw - 1) + 1;
      throw new IllegalArgumentException(
          layer
              + ": kernel spans "
              + spanH
              + "x"
              + spanW
              + " but the padded input is only "
              + (x.size(2) + padding[0] + padding[1])
              + "x"
              + (x.size(3) + padding[2] + padding[3])
              + " (input "
              + x.shape()
              + ")");
    }
    return g;
  }

  /** Symmetric padding p on every side as {top, bottom, left, right}. */
  public static int[] pad(int ph, int pw) {
    return new int[] {ph, ph, pw, pw};
  }

  /**
   * 2-D convolution (cross-correlation, as in every deep-learning library).
   *
   * <p>Shape: x [N, C_in, H, W], weight [C_out, C_in/groups, kh, kw], bias [C_out] or null → [N,
   * C_out, OH, OW] with OH = ⌊(H + pad − d·(kh − 1) − 1)/s⌋ + 1.
   */
  public static Tensor conv2d(
      Tensor x,
      Tensor weight,
      Tensor bias,
      int[] stride,
      int[] padding,
      int[] dilation,
      int groups) {
    String layer = "conv2d";
    if (weight.dim() != 4)
      throw new IllegalArgumentException(
          layer + ": expected weight [C_out, C_in/groups, kh, kw], got " + weight.shape());
    positive(layer, "groups", groups);
    int cout = weight.size(0),
        cin = weight.size(1) * groups,
        kh = weight.size(2),
        kw = weight.size(3);
    if (cout % groups != 0)
      throw new IllegalArgumentException(
          layer + ": groups " + groups + " does not divide " + cout + " output channels");
    images(layer, x, cin);
    ConvGeometry g = geometry(layer, x, kh, kw, stride, padding, dilation);
    // Per group, Y = W · im2col(X): see Convolution for the forward and backward equations.
    Tensor y = new Convolution(g, groups).apply(x, weight);
    return bias == null ? y : y.add(bias.reshape(1, cout, 1, 1));
  }

  /**
   * Transposed ("fractionally strided") convolution: the gradient of conv2d with respect to its
   * input, used as a layer. Each input pixel scatters a weighted copy of the kernel into the
   * output.
   *
   * <p>Shape: x [N, C_in, H, W], weight [C_in, C_out/groups, kh, kw] → [N, C_out, OH, OW] with OH =
   * (H − 1)·s − pad + d·(kh − 1) + outputPadding + 1.
   */
  public static Tensor convTranspose2d(
      Tensor x,
      Tensor weight,
      Tensor bias,
      int[] stride,
      int[] padding,
      int[] outputPadding,
      int[] dilation,
      int groups) {
    String layer = "convTranspose2d";
    if (weight.dim() != 4)
      throw new IllegalArgumentException(
          layer + ": expected weight [C_in, C_out/groups, kh, kw], got " + weight.shape());
    positive(layer, "groups", groups);
    positive(layer, "stride", stride);
    positive(layer, "dilation", dilation);
    int cin = weight.size(0),
        coutPerGroup = weight.size(1),
        cout = coutPerGroup * groups,
        kh = weight.size(2),
        kw = weight.size(3);
    if (cin % groups != 0)
      throw new IllegalArgumentException(
          layer + ": groups " + groups + " does not divide " + cin + " input channels");
    images(layer, x, cin);
    for (int i = 0; i < 2; i++) {
      // NOTE: PyTorch also allows output padding up to the dilation; we keep it below the stride,
      // where it only chooses among the output sizes that a strided convolution maps to one size.
      if (outputPadding[i] < 0 || outputPadding[i] >= stride[i]) {
        throw new IllegalArgumentException(
            layer
                + ": output padding "
                + Arrays.toString(outputPadding)
                + " must be smaller than the stride "
                + Arrays.toString(stride));
      }
    }
    int n = x.size(0), h = x.size(2), w = x.size(3);
    int oh =
        (h - 1) * stride[0]
            - padding[0]
            - padding[1]
            + dilation[0] * (kh - 1)
            + outputPadding[0]
            + 1;
    int ow =
        (w - 1) * stride[1]
            - padding[2]
            - padding[3]
            + dilation[1] * (kw - 1)
            + outputPadding[1]
            + 1;
    if (oh <= 0 || ow <= 0)
      throw new IllegalArgumentException(
          layer + ": output would be " + oh + "x" + ow + " for input " + x.shape());
    // The fold's geometry describes the output image; its windows land exactly on the input's
    // pixels.
    ConvGeometry g =
        new ConvGeometry(
            n,
            cout,
            oh,
            ow,
            kh,
            kw,
            stride[0],
            stride[1],
            padding[0],
            padding[1],
            padding[2],
            padding[3],
            dilation[0],
            dilation[1]);
    int k = coutPerGroup * kh * kw, cinPerGroup = cin / groups;
    Tensor xs = x.permute(1, 0, 2, 3).reshape(groups, cinPerGroup, n * h * w);
    Tensor cols =
        weight
            .reshape(groups, cinPerGroup, k)
            .transpose(1, 2)
            .matmul(xs); // [G, C_out/G·kh·kw, N·H·W]
    Tensor y = new Fold(g).apply(cols.reshape(cout * kh * kw, n * h * w));
    return bias == null ? y : y.add(bias.reshape(1, cout, 1, 1));
  }

  /** Max pooling over kh×kw windows. Shape: [N, C, H, W] → [N, C, OH, OW]. */
  public static Tensor maxPool2d(
      Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    return maxPool2dWithIndices(x, kernel, stride, padding, dilation)[0];
  }

  /**
   * Max pooling that also returns where each maximum was (flat ih·W + iw per plane), for unpooling.
   */
  public static Tensor[] maxPool2dWithIndices(
      Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    String layer = "maxPool2d";
    if (x.dim() != 4)
      throw new IllegalArgumentException(layer + ": expected input [N, C, H, W], got " + x.shape());
    positive(layer, "kernel size", kernel);
    // The bottom/right padding may exceed half the kernel in ceil mode; every window still starts
    // inside the image, so none sees only padding.
    halfKernel(
        layer,
        kernel,
        new int[] {
          padding[0],
          Math.min(padding[1], kernel[0] / 2),
          padding[2],
          Math.min(padding[3], kernel[1] / 2)
        });
    ConvGeometry g = geometry(layer, x, kernel[0], kernel[1], stride, padding, dilation);
    MaxPool2dOp op = new MaxPool2dOp(g);
    Tensor out = op.apply(x);
    return new Tensor[] {out, op.indices()};
  }

  private static void halfKernel(String layer, int[] kernel, int[] padding) {
    if (padding[0] > kernel[0] / 2
        || padding[1] > kernel[0] / 2
        || padding[2] > kernel[1] / 2
        || padding[3] > kernel[1] / 2) {
      throw new IllegalArgumentException(
          layer
              + ": padding "
              + Arrays.toString(padding)
              + " must be at most half the kernel "
              + Arrays.toString(kernel)
              + ", or a window could see only padding");
    }
  }

  /**
   * Puts each pooled value back where its maximum came from, zeros elsewhere.
   *
   * <p>Shape: x and indices [N, C, OH, OW] → [N, C, outH, outW].
   */
  public static Tensor maxUnpool2d(Tensor x, Tensor indices, int outH, int outW) {
    if (x.dim() != 4 || !x.shape().equals(indices.shape())) {
      throw new IllegalArgumentException(
          "maxUnpool2d: expected input and indices of one shape [N, C, OH, OW], got "
              + x.shape()
              + " and "
              + indices.shape());
    }
    int n = x.size(0), c = x.size(1);
    Tensor flat =
        new Scatter(Shape.of(n, c, outH * outW), 2)
            .apply(x.reshape(n, c, -1), indices.reshape(n, c, -1));
    return flat.reshape(n, c, outH, outW);
  }

  /** Average pooling; padding counts as zeros in the average (PyTorch's default). */
  public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
    String layer = "avgPool2d";
    if (x.dim() != 4)
      throw new IllegalArgumentException(layer + ": expected input [N, C, H, W], got " + x.shape());
    positive(layer, "kernel size", kernel);
    halfKernel(layer, kernel, padding);
    ConvGeometry g = geometry(layer, x, kernel[0], kernel[1], stride, padding, new int[] {1, 1});
    int n = x.size(0), c = x.size(1);
    Tensor cols = new Unfold(g).apply(x).reshape(c, kernel[0] * kernel[1], g.columns());
    return cols.mean(1).reshape(c, n, g.outH(), g.outW()).permute(1, 0, 2, 3);
  }

  /**
   * Average pooling to a fixed output size: output cell i covers input rows ⌊i·H/out⌋ to
   * ⌈(i+1)·H/out⌉ (PyTorch's rule). {@code (1, 1)} is global average pooling.
   */
  public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
    if (x.dim() != 4)
      throw new IllegalArgumentException(
          "adaptiveAvgPool2d: expected input [N, C, H, W], got " + x.shape());
    positive("adaptiveAvgPool2d", "output size", outH, outW);
    int h = x.size(2), w = x.size(3);
    if (outH == 1 && outW == 1) return x.mean(new int[] {2, 3}, true);
    Tensor[] rows = new Tensor[outH];
    for (int i = 0; i < outH; i++) {
      int h0 = Math.floorDiv(i * h, outH), h1 = -Math.floorDiv(-(i + 1) * h, outH);
      Tensor[] cells = new Tensor[outW];
      for (int j = 0; j < outW; j++) {
        int w0 = Math.floorDiv(j * w, outW), w1 = -Math.floorDiv(-(j + 1) * w, outW);
        cells[j] = x.slice(2, h0, h1).slice(3, w0, w1).mean(new int[] {2, 3}, true);
      }
      rows[i] = Tensor.cat(3, cells);
    }
    return Tensor.cat(2, rows);
  }

  /**
   * Batch normalisation over every axis but the channel axis 1: x̂ = (x − μ) / √(σ² + ε), then γ·x̂
   * + β. In training μ and σ² come from the batch (σ² biased) and the running estimates move
   * towards them by {@code momentum} (the running variance uses the unbiased batch variance, as
   * PyTorch does); in evaluation the running estimates are used.
   *
   * <p>Shape: x [N, C] or [N, C, L] or [N, C, H, W]; running stats, weight and bias [C].
   */
  public static Tensor batchNorm(
      Tensor x,
      Tensor runningMean,
      Tensor runningVar,
      Tensor weight,
      Tensor bias,
      boolean training,
      double momentum,
      double eps) {
    int c = runningMean.numel();
    if (x.dim() < 2 || x.size(1) != c) {
      throw new IllegalArgumentException(
          "batchNorm: expected input [N, " + c + ", ...], got " + x.shape());
    }
    Tensor mean, var;
    if (training) {
      int count = x.numel() / c;
      if (count < 2)
        throw new IllegalArgumentException(
            "batchNorm: training needs more than one value per channel, got input " + x.shape());
      Tensor[] moments = BatchNormOp.moments(x); // records no graph
      mean = moments[0];
      var = moments[1];
      try (NoGrad scope = NoGrad.enter()) {
        runningMean.mulInPlace(1 - momentum).addInPlace(mean, momentum);
        runningVar
            .mulInPlace(1 - momentum)
            .addInPlace(var.mul((double) count / (count - 1)), momentum);
      }
    } else {
      mean = runningMean.detach();
      var = runningVar.detach();
    }
    Tensor invStd;
    try (NoGrad scope = NoGrad.enter()) {
      invStd = var.add(eps).sqrt().reciprocal();
    }
    Tensor gamma = weight != null ? weight : Tensor.onesLike(mean);
    Tensor beta = bias != null ? bias : Tensor.zerosLike(mean);
    return new BatchNormOp(mean, invStd, training).apply(x, gamma, beta);
  }

  /**
   * Inverted dropout: in training, zero each element with probability p and scale the survivors by
   * 1/(1 − p), so nothing changes at evaluation time; in evaluation, the identity.
   */
  public static Tensor dropout(Tensor x, double p, boolean training, Rng rng) {
    return dropoutMask(x, p, training, rng, x.shape().toArray());
  }

  /** Dropout of whole channels: one coin per (sample, channel) of [N, C, H, W]. */
  public static Tensor dropout2d(Tensor x, double p, boolean training, Rng rng) {
    if (x.dim() != 4)
      throw new IllegalArgumentException(
          "dropout2d: expected input [N, C, H, W], got " + x.shape());
    return dropoutMask(x, p, training, rng, new int[] {x.size(0), x.size(1), 1, 1});
  }

  private static Tensor dropoutMask(
      Tensor x, double p, boolean training, Rng rng, int[] maskShape) {
    if (p < 0 || p >= 1)
      throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
    if (!training || p == 0) return x;
    // NOTE: drawn on the host from the seeded generator, so every backend drops the same elements.
    Tensor keep = Tensor.rand(rng, maskShape).to(x.device()).ge(p).to(x.dtype());
    return x.mul(keep).mul(1 / (1 - p));
  }

  /**
   * Local response normalisation across channels (AlexNet): b_c = a_c / (k + α/n · Σ a_{c'}²)^β,
   * the sum over the n channels around c (zeros beyond the edges).
   */
  public static Tensor localResponseNorm(Tensor x, int size, double alpha, double beta, double k) {
    if (x.dim() < 3)
      throw new IllegalArgumentException(
          "localResponseNorm: expected input [N, C, ...], got " + x.shape());
    positive("localResponseNorm", "size", size);
    int c = x.size(1);
    Tensor sq = x.square();
    int[] before = x.shape().toArray(), after = x.shape().toArray();
    before[1] = size / 2;
    after[1] = (size - 1) / 2;
    Tensor padded =
        Tensor.cat(
            1,
            TensorMath.zeros(x.device(), Shape.of(before), x.dtype()),
            sq,
            TensorMath.zeros(x.device(), Shape.of(after), x.dtype()));
    Tensor sum = padded.narrow(1, 0, c);
    for (int i = 1; i < size; i++) sum = sum.add(padded.narrow(1, i, c));
    return x.div(sum.mul(alpha / size).add(k).pow(beta));
  }
}
