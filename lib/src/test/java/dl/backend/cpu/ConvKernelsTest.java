package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dl.DType;
import dl.backend.ConvGeometry;
import dl.backend.View;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU backend's image-by-image float32 convolution (forward, input gradient, weight gradient)
 * against a float64 direct loop over the definition, on geometries that exercise every branch of
 * the unfold (padding on each side, stride, dilation, groups, 1×1 kernels, batches that are not a
 * multiple of the weight gradient's partial sums); and the same results whatever the thread count.
 */
class ConvKernelsTest {

  @ParameterizedTest(
      name = "n={0} c={1} {2}x{3} cout={4} k={5}x{6} s={7} pad={8},{9},{10},{11} d={12} g={13}")
  @CsvSource({
    "1, 1, 5, 5, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1",
    "5, 3, 7, 9, 4, 3, 2, 2, 1, 0, 2, 1, 1, 1",
    "6, 4, 10, 8, 6, 3, 3, 1, 2, 2, 2, 2, 2, 2",
    "3, 6, 9, 9, 6, 3, 3, 2, 1, 1, 1, 1, 1, 6",
    "9, 16, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1",
    "2, 3, 28, 28, 6, 5, 5, 1, 0, 0, 0, 0, 1, 1",
    "4, 8, 7, 7, 16, 1, 1, 2, 0, 0, 0, 0, 1, 1",
    "7, 2, 6, 11, 3, 2, 4, 3, 0, 2, 3, 0, 2, 1",
    // stride 1 with 8 or more channels per group: ∂L/∂X straight from ∂L/∂Y (DirectConvKernels)
    "3, 12, 9, 10, 8, 3, 3, 1, 1, 2, 0, 2, 2, 1",
    "2, 16, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 2",
    "2, 8, 12, 12, 4, 5, 5, 1, 2, 2, 2, 2, 1, 1",
    // stride 2 and 3 with output channels in eights: the forward reads polyphase planes
    // (DirectConvForward); with 8 or more channels per group and every phase reached by the kernel
    // ∂L/∂X goes phase by phase (StridedInputGradient). ResNet-8's two layers, then odd sizes,
    // uneven padding, channels not a multiple of 8, dilation (stride 2, dilation 2: one row phase
    // has no kernel offsets, so ∂L/∂X takes product and fold), groups, padding past the kernel's
    // reach, 1×1 shortcuts (the subsampled image, PointwiseConv), stride 3.
    "3, 16, 28, 28, 32, 3, 3, 2, 1, 1, 1, 1, 1, 1",
    "2, 32, 14, 14, 64, 3, 3, 2, 1, 1, 1, 1, 1, 1",
    "3, 12, 9, 11, 8, 3, 3, 2, 2, 0, 1, 2, 1, 1",
    "2, 10, 13, 10, 16, 3, 3, 2, 2, 1, 0, 2, 2, 1",
    "2, 18, 10, 9, 16, 3, 3, 2, 1, 1, 1, 1, 1, 2",
    "2, 8, 5, 6, 8, 2, 2, 2, 3, 2, 3, 1, 1, 1",
    "2, 9, 12, 11, 8, 5, 5, 2, 2, 2, 2, 2, 1, 1",
    "3, 16, 28, 28, 32, 1, 1, 2, 0, 0, 0, 0, 1, 1",
    "2, 8, 9, 9, 8, 1, 1, 2, 0, 0, 0, 0, 1, 1",
    "2, 8, 11, 13, 8, 4, 4, 3, 1, 2, 2, 1, 1, 1",
    "1, 9, 12, 12, 8, 3, 3, 3, 0, 0, 1, 1, 2, 1",
    // outputs a multiple of seven wide with 2L output channels per group (L = 8 or 16): forward
    // and stride-1 ∂L/∂X with vectors along the channels (DirectConvForward.byChannels):
    // ResNet-8's last stage, then groups of 32 on rows of 14, then a 7×7 output of stride 2.
    "2, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1",
    "2, 64, 7, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 2",
    "3, 32, 15, 13, 32, 3, 3, 2, 1, 0, 1, 1, 1, 1",
  })
  void imageByImageMatchesTheDefinition(
      int n,
      int c,
      int h,
      int w,
      int cout,
      int kh,
      int kw,
      int stride,
      int top,
      int bottom,
      int left,
      int right,
      int dilation,
      int groups) {
    ConvGeometry g =
        new ConvGeometry(
            n, c, h, w, kh, kw, stride, stride, top, bottom, left, right, dilation, dilation);
    int oh = g.outH(), ow = g.outW(), cg = c / groups, cog = cout / groups;
    Random rng = new Random(n * 1000L + c * 100L + h + kw);
    float[] x = random(rng, n * c * h * w), wt = random(rng, cout * cg * kh * kw);
    float[] dy = random(rng, n * cout * oh * ow);

    double[] y = new double[n * cout * oh * ow],
        dx = new double[x.length],
        dw = new double[wt.length];
    for (int i = 0; i < n; i++)
      for (int o = 0; o < cout; o++)
        for (int r = 0; r < oh; r++)
          for (int s = 0; s < ow; s++) {
            int out = ((i * cout + o) * oh + r) * ow + s;
            for (int ci = 0; ci < cg; ci++)
              for (int a = 0; a < kh; a++)
                for (int b = 0; b < kw; b++) {
                  int ih = r * stride - top + a * dilation, iw = s * stride - left + b * dilation;
                  if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                  int in = ((i * c + (o / cog) * cg + ci) * h + ih) * w + iw;
                  int k = ((o * cg + ci) * kh + a) * kw + b;
                  y[out] += (double) wt[k] * x[in];
                  dx[in] += (double) wt[k] * dy[out];
                  dw[k] += (double) x[in] * dy[out];
                }
          }

    float[][] previous = null;
    for (int threads : new int[] {1, 3}) {
      CpuBackend cpu = new CpuBackend(threads, true);
      View xv = View.contiguous(cpu.fromArray(x), new int[] {n, c, h, w});
      View wv = View.contiguous(cpu.fromArray(wt), new int[] {cout, cg, kh, kw});
      View yv = View.contiguous(cpu.allocate(DType.FLOAT32, y.length), new int[] {n, cout, oh, ow});
      View dyv = View.contiguous(cpu.fromArray(dy), new int[] {n, cout, oh, ow});
      View dxv = View.contiguous(cpu.allocate(DType.FLOAT32, x.length), new int[] {n, c, h, w});
      View dwv =
          View.contiguous(cpu.allocate(DType.FLOAT32, wt.length), new int[] {cout, cg, kh, kw});
      cpu.conv2d(xv, wv, g, groups, yv);
      cpu.conv2dBackward(dyv, xv, wv, g, groups, dxv, dwv);
      float[][] got = {cpu.toFloatArray(yv), cpu.toFloatArray(dxv), cpu.toFloatArray(dwv)};
      String at = threads + " thread(s): ";
      assertArrayEquals(floats(y), got[0], 1e-4f * cg * kh * kw, at + "forward");
      assertArrayEquals(floats(dx), got[1], 1e-4f * cog * kh * kw, at + "input gradient");
      assertArrayEquals(floats(dw), got[2], 1e-4f * n * oh * ow, at + "weight gradient");
      if (previous != null)
        for (int t = 0; t < 3; t++)
          assertArrayEquals(previous[t], got[t], 0f, "result " + t + ": 1 vs 3 threads");
      previous = got;
    }
  }

  /**
   * The weight gradient's float32 summation order, pinned bit for bit: per image one fused
   * multiply-add chain over the output positions in order (padding reads zero), images summed in
   * fixed groups of four, then the groups in order. The same for any thread count, and whichever
   * way the backend reads the image (unfolded or in place).
   */
  @ParameterizedTest(name = "n={0} c={1} {2}x{2} cout={3} k={4} s={5} pad={6} d={7} g={8}")
  @CsvSource({
    "9, 16, 12, 16, 3, 1, 1, 1, 1",
    "6, 1, 28, 6, 5, 1, 2, 1, 1",
    "5, 8, 9, 24, 3, 2, 1, 1, 1",
    "7, 4, 8, 40, 1, 2, 0, 1, 1",
    "3, 6, 10, 4, 3, 1, 2, 2, 2",
    "4, 3, 7, 70, 2, 1, 1, 1, 1",
    "5, 3, 7, 32, 3, 1, 1, 1, 1",
    "6, 5, 6, 64, 3, 1, 0, 1, 1",
    "3, 8, 13, 64, 3, 2, 1, 1, 1",
    "3, 7, 5, 20, 3, 1, 2, 1, 1",
    "5, 2, 4, 48, 3, 1, 0, 1, 2",
    "3, 2, 3, 16, 3, 1, 0, 1, 1",
    "2, 4, 6, 8, 3, 1, 1, 1, 4",
    "64, 2, 6, 16, 3, 1, 1, 1, 1",
  })
  void weightGradientSumsInAFixedOrder(
      int n, int c, int hw, int cout, int k, int stride, int pad, int dilation, int groups) {
    ConvGeometry g =
        new ConvGeometry(
            n, c, hw, hw, k, k, stride, stride, pad, pad, pad, pad, dilation, dilation);
    int oh = g.outH(), ow = g.outW(), cg = c / groups, cog = cout / groups, kk = cg * k * k;
    Random rng = new Random(31L * n + c + hw + cout);
    float[] x = random(rng, n * c * hw * hw), wt = random(rng, cout * kk);
    float[] dy = random(rng, n * cout * oh * ow);
    float[] want = new float[wt.length];
    for (int o = 0; o < cout; o++)
      for (int p = 0; p < kk; p++) {
        int ci = (o / cog) * cg + p / (k * k), a = p / k % k, b = p % k;
        float total = 0f;
        for (int i0 = 0; i0 < n; i0 += 4) {
          float group = 0f;
          for (int i = i0; i < Math.min(n, i0 + 4); i++) {
            float chain = 0f;
            for (int r = 0; r < oh; r++)
              for (int s = 0; s < ow; s++) {
                int ih = r * stride - pad + a * dilation, iw = s * stride - pad + b * dilation;
                boolean inside = ih >= 0 && ih < hw && iw >= 0 && iw < hw;
                float xv = inside ? x[((i * c + ci) * hw + ih) * hw + iw] : 0f;
                chain = Math.fma(dy[((i * cout + o) * oh + r) * ow + s], xv, chain);
              }
            group = i == i0 ? chain : group + chain;
          }
          total = i0 == 0 ? group : total + group;
        }
        want[o * kk + p] = total;
      }
    for (int threads : new int[] {1, 2, 3}) {
      CpuBackend cpu = new CpuBackend(threads, true);
      View dwv =
          View.contiguous(cpu.allocate(DType.FLOAT32, wt.length), new int[] {cout, cg, k, k});
      cpu.conv2dBackward(
          View.contiguous(cpu.fromArray(dy), new int[] {n, cout, oh, ow}),
          View.contiguous(cpu.fromArray(x), new int[] {n, c, hw, hw}),
          View.contiguous(cpu.fromArray(wt), new int[] {cout, cg, k, k}),
          g,
          groups,
          null,
          dwv);
      float[] got = cpu.toFloatArray(dwv);
      for (int j = 0; j < want.length; j++)
        assertEquals(
            Float.floatToIntBits(want[j]),
            Float.floatToIntBits(got[j]),
            g + " groups=" + groups + ", " + threads + " thread(s): ∂L/∂W[" + j + "] (bits)");
    }
  }

  /**
   * 1×1 convolutions without padding (ResNet's shortcuts; {@link PointwiseConv}) give, bit for bit,
   * the fma chains the unfold-and-product path computes: Y[o, t] over the input channels in order,
   * ∂L/∂X[c, s·y, s·x] = 0 + the chain over the output channels (zero between), and ∂L/∂W as pinned
   * in {@link #weightGradientSumsInAFixedOrder}; for strides 1, 2 and 3 (and different ones down
   * and across), odd sizes, channel counts below, at and above a vector, groups, an input whose
   * channels are not contiguous (a permuted view), and 1 or 3 threads.
   */
  @ParameterizedTest(name = "n={0} c={1} {2}x{3} cout={4} stride={5},{6} g={7} permuted={8}")
  @CsvSource({
    "3, 16, 28, 28, 32, 2, 2, 1, false",
    "2, 32, 14, 14, 64, 2, 2, 1, false",
    "5, 3, 9, 7, 5, 2, 2, 1, false",
    "9, 17, 11, 13, 40, 2, 2, 1, true",
    "4, 8, 10, 9, 16, 3, 3, 1, false",
    "3, 24, 13, 8, 8, 3, 1, 1, true",
    "2, 12, 7, 12, 12, 1, 2, 2, false",
    "6, 8, 6, 5, 24, 1, 1, 1, false",
    "2, 16, 5, 9, 16, 1, 1, 2, true",
    "7, 40, 5, 5, 20, 2, 2, 4, false",
  })
  void pointwiseConvolutionGivesTheProductPathsFmaChainsBitForBit(
      int n, int c, int h, int w, int cout, int sh, int sw, int groups, boolean permuted) {
    ConvGeometry g = new ConvGeometry(n, c, h, w, 1, 1, sh, sw, 0, 0, 0, 0, 1, 1);
    int oh = g.outH(), ow = g.outW(), l = oh * ow, cg = c / groups, cog = cout / groups;
    Random rng = new Random(1000L * n + 100L * c + 10L * h + w + sh + sw);
    float[] x = random(rng, n * c * h * w), wt = random(rng, cout * cg);
    float[] dy = random(rng, n * cout * l);
    float[] y = new float[dy.length], dx = new float[x.length], dw = new float[wt.length];
    for (int i = 0; i < n; i++)
      for (int o = 0, q; o < cout; o++)
        for (int t = 0; t < l; t++) {
          q = o / cog;
          int in = ((i * c + q * cg) * h + t / ow * sh) * w + t % ow * sw;
          float sum = 0f;
          for (int ci = 0; ci < cg; ci++) sum = Math.fma(wt[o * cg + ci], x[in + ci * h * w], sum);
          y[(i * cout + o) * l + t] = sum;
        }
    for (int i = 0; i < n; i++)
      for (int ci = 0; ci < c; ci++)
        for (int t = 0; t < l; t++) {
          int q = ci / cg;
          float sum = 0f;
          for (int o = q * cog; o < (q + 1) * cog; o++)
            sum = Math.fma(wt[o * cg + ci % cg], dy[(i * cout + o) * l + t], sum);
          dx[((i * c + ci) * h + t / ow * sh) * w + t % ow * sw] = 0f + sum;
        }
    for (int o = 0; o < cout; o++)
      for (int ci = 0; ci < cg; ci++) {
        int channel = o / cog * cg + ci;
        float total = 0f;
        for (int i0 = 0; i0 < n; i0 += 4) {
          float group = 0f;
          for (int i = i0; i < Math.min(n, i0 + 4); i++) {
            float chain = 0f;
            for (int t = 0; t < l; t++)
              chain =
                  Math.fma(
                      dy[(i * cout + o) * l + t],
                      x[((i * c + channel) * h + t / ow * sh) * w + t % ow * sw],
                      chain);
            group = i == i0 ? chain : group + chain;
          }
          total = i0 == 0 ? group : total + group;
        }
        dw[o * cg + ci] = total;
      }

    // permuted: X stored channel-major ([C, N, H, W]) and read through an [N, C, H, W] view
    float[] stored = x;
    int[] xStrides = {c * h * w, h * w, w, 1};
    if (permuted) {
      stored = new float[x.length];
      for (int i = 0; i < n; i++)
        for (int ci = 0; ci < c; ci++)
          System.arraycopy(x, (i * c + ci) * h * w, stored, (ci * n + i) * h * w, h * w);
      xStrides = new int[] {h * w, n * h * w, w, 1};
    }
    for (int threads : new int[] {1, 3}) {
      CpuBackend cpu = new CpuBackend(threads, true);
      View xv = new View(cpu.fromArray(stored), new int[] {n, c, h, w}, xStrides, 0);
      View wv = View.contiguous(cpu.fromArray(wt), new int[] {cout, cg, 1, 1});
      View yv = View.contiguous(cpu.allocate(DType.FLOAT32, y.length), new int[] {n, cout, oh, ow});
      View dyv = View.contiguous(cpu.fromArray(dy), new int[] {n, cout, oh, ow});
      View dwv =
          View.contiguous(cpu.allocate(DType.FLOAT32, wt.length), new int[] {cout, cg, 1, 1});
      // ∂L/∂X's buffer starts full of NaN: every element must be written, not added to
      float[] garbage = new float[x.length];
      java.util.Arrays.fill(garbage, Float.NaN);
      View dxv = View.contiguous(cpu.fromArray(garbage), new int[] {n, c, h, w});
      cpu.conv2d(xv, wv, g, groups, yv);
      cpu.conv2dBackward(dyv, xv, wv, g, groups, dxv, dwv);
      String at = g + " groups=" + groups + ", " + threads + " thread(s): ";
      assertBits(y, cpu.toFloatArray(yv), at + "Y");
      assertBits(dx, cpu.toFloatArray(dxv), at + "∂L/∂X");
      assertBits(dw, cpu.toFloatArray(dwv), at + "∂L/∂W");
    }
  }

  private static void assertBits(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what + ": length");
    for (int j = 0; j < want.length; j++)
      if (Float.floatToIntBits(want[j]) != Float.floatToIntBits(got[j]))
        assertEquals(
            Float.floatToIntBits(want[j]),
            Float.floatToIntBits(got[j]),
            what + "[" + j + "]: want " + want[j] + ", got " + got[j] + " (bits)");
  }

  @Test
  void twoByTwoPoolingKeepsTheGeneralRuleForTiesSignedZerosAndNaN() {
    // Few distinct values, so windows often tie; the float64 path runs the general window loop.
    // Planes of 20, 196 and 25 outputs take the vector path (PoolVectors) and the scalar tail.
    float[] pool = {-1f, 0f, -0f, 1f, 2f, 2f, Float.NaN, 0.5f};
    for (int[] size : new int[][] {{8, 10}, {9, 11}, {28, 28}, {10, 10}}) {
      int n = 3, c = 4, h = size[0], w = size[1];
      ConvGeometry g = new ConvGeometry(n, c, h, w, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1);
      Random rng = new Random(h);
      float[] x = new float[n * c * h * w];
      double[] xd = new double[x.length];
      for (int i = 0; i < x.length; i++) xd[i] = x[i] = pool[rng.nextInt(pool.length)];
      CpuBackend cpu = new CpuBackend(2, true);
      int[] outShape = {n, c, g.outH(), g.outW()};
      int outSize = n * c * g.outH() * g.outW();
      View out = View.contiguous(cpu.allocate(DType.FLOAT32, outSize), outShape);
      View idx = View.contiguous(cpu.allocate(DType.FLOAT32, outSize), outShape);
      View outD = View.contiguous(cpu.allocate(DType.FLOAT64, outSize), outShape);
      View idxD = View.contiguous(cpu.allocate(DType.FLOAT64, outSize), outShape);
      cpu.maxPool2d(View.contiguous(cpu.fromArray(x), new int[] {n, c, h, w}), g, out, idx);
      cpu.maxPool2d(View.contiguous(cpu.fromArray(xd), new int[] {n, c, h, w}), g, outD, idxD);
      float[] got = cpu.toFloatArray(out), want = cpu.toFloatArray(outD);
      for (int i = 0; i < outSize; i++)
        assertEquals(
            Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "value " + i + " (bits)");
      assertArrayEquals(cpu.toFloatArray(idxD), cpu.toFloatArray(idx), 0f, "argmax positions");
    }
  }

  private static float[] random(Random rng, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) v[i] = (float) rng.nextGaussian();
    return v;
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }
}
