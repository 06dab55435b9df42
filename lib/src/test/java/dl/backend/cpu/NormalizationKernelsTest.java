package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dl.DType;
import dl.backend.View;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Batch norm's per-channel sums: for any thread count the same bits; the scalar contiguous path
 * (several channels' sums side by side) the same bits as the general strided loop; the SIMD path (a
 * fixed tree of float lanes per plane) within float rounding of a float64 reference.
 */
class NormalizationKernelsTest {
  private static final int N = 3;

  /** [N, C, H, W] holding x, contiguous (stride 1) or with every element two floats apart. */
  private static View layout(CpuBackend cpu, float[] x, int c, int h, int w, boolean spread) {
    int[] shape = {N, c, h, w};
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

  /** {mean, var, Σg, Σg·(x − mean)} per channel as the backend computes them. */
  private static float[][] sums(
      CpuBackend cpu, float[] x, float[] g, int c, int h, int w, boolean spread) {
    View xv = layout(cpu, x, c, h, w, spread), gv = layout(cpu, g, c, h, w, spread);
    View mean = perChannel(cpu, c), var = perChannel(cpu, c);
    View sumG = perChannel(cpu, c), sumGX = perChannel(cpu, c);
    cpu.channelMoments(xv, mean, var);
    cpu.channelGradSums(gv, xv, mean, sumG, sumGX);
    return new float[][] {
      cpu.toFloatArray(mean), cpu.toFloatArray(var), cpu.toFloatArray(sumG), cpu.toFloatArray(sumGX)
    };
  }

  // Planes of 30 values (one vector and a tail), 49 (ResNet's 7×7) and 1,517 (past one block of
  // the SIMD tree, with a tail).
  @ParameterizedTest(name = "channels={0}, {1}×{2}")
  @CsvSource({"1,5,6", "3,5,6", "4,7,7", "5,5,6", "7,37,41", "9,5,6", "16,7,7"})
  void sumsAreTheSameForAnyThreadCountAndCloseToFloat64(int c, int h, int w) {
    Random rng = new Random(c);
    int plane = h * w;
    float[] x = new float[N * c * plane], g = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (3 + rng.nextGaussian());
      g[i] = (float) rng.nextGaussian();
    }
    float[][] general = sums(new CpuBackend(1, false), x, g, c, h, w, true);
    for (boolean simd : new boolean[] {false, true})
      for (boolean spread : new boolean[] {true, false}) {
        float[][] one = sums(new CpuBackend(1, simd), x, g, c, h, w, spread);
        float[][] three = sums(new CpuBackend(3, simd), x, g, c, h, w, spread);
        for (int k = 0; k < 4; k++) {
          String where = "sum " + k + ", simd " + simd + ", spread " + spread;
          assertArrayEquals(one[k], three[k], 0f, where + ": 1 vs 3 threads");
          if (!simd) assertArrayEquals(general[k], one[k], 0f, where + ": vs the strided loop");
        }
        // float64 reference
        for (int ch = 0; ch < c; ch++) {
          double s = 0, sg = 0;
          for (int i = 0; i < N; i++)
            for (int j = 0; j < plane; j++) {
              s += x[(i * c + ch) * plane + j];
              sg += g[(i * c + ch) * plane + j];
            }
          double m = s / (N * plane), q = 0, sgx = 0;
          for (int i = 0; i < N; i++)
            for (int j = 0; j < plane; j++) {
              int at = (i * c + ch) * plane + j;
              q += (x[at] - m) * (x[at] - m);
              sgx += g[at] * (x[at] - m);
            }
          double count = N * plane, scale = Math.sqrt(count);
          assertEquals(m, one[0][ch], 1e-6 * Math.abs(m), "mean, " + ch);
          assertEquals(q / count, one[1][ch], 1e-5 * q / count, "var, " + ch);
          assertEquals(sg, one[2][ch], 1e-5 * scale, "Σg, " + ch);
          assertEquals(sgx, one[3][ch], 1e-5 * scale, "Σg·(x − mean), " + ch);
        }
      }
  }
}
