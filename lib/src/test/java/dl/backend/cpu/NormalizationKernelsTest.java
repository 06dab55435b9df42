package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dl.DType;
import dl.backend.View;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batch norm's per-channel sums: the contiguous fast path (several channels' sums side by side)
 * must give the same bits as the general strided loop, for any thread count.
 */
class NormalizationKernelsTest {
  private static final int N = 3, H = 5, W = 6;

  /** [N, C, H, W] holding x, contiguous (stride 1) or with every element two floats apart. */
  private static View layout(CpuBackend cpu, float[] x, int c, boolean spread) {
    int[] shape = {N, c, H, W};
    if (!spread) return View.contiguous(cpu.fromArray(x), shape);
    float[] wide = new float[2 * x.length];
    for (int i = 0; i < x.length; i++) wide[2 * i] = x[i];
    int[] strides = View.rowMajorStrides(shape);
    for (int d = 0; d < 4; d++) strides[d] *= 2;
    return new View(cpu.fromArray(wide), shape, strides, 0);
  }

  private static View perChannel(CpuBackend cpu, int c) {
    return View.contiguous(cpu.allocate(DType.FLOAT32, c), new int[] {c});
  }

  @ParameterizedTest(name = "channels={0}")
  @ValueSource(ints = {1, 3, 4, 5, 7, 9})
  void fastPathAddsInTheSameOrderAsTheStridedLoop(int c) {
    Random rng = new Random(c);
    float[] x = new float[N * c * H * W], g = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (3 + rng.nextGaussian());
      g[i] = (float) rng.nextGaussian();
    }
    float[][] expected = null;
    for (int threads : new int[] {1, 3}) {
      CpuBackend cpu = new CpuBackend(threads, true);
      for (boolean spread : new boolean[] {true, false}) {
        View xv = layout(cpu, x, c, spread), gv = layout(cpu, g, c, spread);
        View mean = perChannel(cpu, c), var = perChannel(cpu, c);
        View sumG = perChannel(cpu, c), sumGX = perChannel(cpu, c);
        cpu.channelMoments(xv, mean, var);
        cpu.channelGradSums(gv, xv, mean, sumG, sumGX);
        float[][] got = {
          cpu.toFloatArray(mean),
          cpu.toFloatArray(var),
          cpu.toFloatArray(sumG),
          cpu.toFloatArray(sumGX)
        };
        if (expected == null) expected = got; // one thread, strided: the general loop
        for (int k = 0; k < 4; k++)
          assertArrayEquals(
              expected[k],
              got[k],
              0f,
              "sum " + k + ", channels " + c + ", threads " + threads + ", spread " + spread);
      }
    }
  }
}
