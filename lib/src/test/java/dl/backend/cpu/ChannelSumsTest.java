package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dl.DType;
import dl.backend.ReduceOp;
import dl.backend.View;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A float32 sum over every axis but 1 of a contiguous [N, C, …] (a convolution's bias gradient)
 * takes the per-channel SIMD path: the same bits for any thread count, within float rounding of a
 * float64 reference, and the same as the general walk to that rounding.
 */
class ChannelSumsTest {

  private static float[] sum(CpuBackend cpu, float[] x, int[] shape) {
    View in = View.contiguous(cpu.fromArray(x), shape);
    int[] kept = new int[shape.length];
    java.util.Arrays.fill(kept, 1);
    kept[1] = shape[1];
    View out = View.contiguous(cpu.allocate(DType.FLOAT32, shape[1]), kept);
    cpu.reduce(ReduceOp.SUM, in, out);
    return cpu.toFloatArray(out);
  }

  /**
   * One channel whose axis 1 has a stride other than the plane's length (an axis of size 1 may have
   * any stride and the view is still contiguous): the sum still covers each plane exactly.
   */
  @org.junit.jupiter.api.Test
  void aSingleChannelWithAnyStrideSumsItsPlanes() {
    CpuBackend cpu = new CpuBackend(2, true);
    int n = 3, h = 5, w = 7;
    float[] x = new float[n * h * w];
    for (int i = 0; i < x.length; i++) x[i] = i % 11 - 5;
    View in = new View(cpu.fromArray(x), new int[] {n, 1, h, w}, new int[] {h * w, 1000, w, 1}, 0);
    View out = View.contiguous(cpu.allocate(DType.FLOAT32, 1), new int[] {1, 1, 1, 1});
    cpu.reduce(ReduceOp.SUM, in, out);
    double exact = 0;
    for (float v : x) exact += v;
    assertEquals(exact, cpu.toFloatArray(out)[0], 1e-4);
  }

  // planes of 63 (a vector and a tail), 1 (only tails) and 1,640 (past one block of the tree)
  @ParameterizedTest(name = "[{0}, {1}, {2}, {3}]")
  @CsvSource({"3, 5, 7, 9", "4, 6, 1, 1", "2, 4, 40, 41", "64, 6, 28, 28"})
  void sameForAnyThreadCountAndCloseToFloat64(int n, int c, int h, int w) {
    int[] shape = {n, c, h, w};
    float[] x = new float[n * c * h * w];
    Random rng = new Random(n * 31 + c);
    for (int i = 0; i < x.length; i++) x[i] = (float) (0.5 + rng.nextGaussian());
    float[] one = sum(new CpuBackend(1, true), x, shape);
    float[] three = sum(new CpuBackend(3, true), x, shape);
    float[] general = sum(new CpuBackend(1, false), x, shape); // no SIMD: the sequential walk
    assertArrayEquals(one, three, 0f, "1 vs 3 threads");
    int plane = h * w;
    for (int ch = 0; ch < c; ch++) {
      double exact = 0, size = 0;
      for (int i = 0; i < n; i++)
        for (int j = 0; j < plane; j++) {
          exact += x[(i * c + ch) * plane + j];
          size += Math.abs(x[(i * c + ch) * plane + j]);
        }
      assertEquals(exact, one[ch], 1e-6 * size, "channel " + ch + " vs float64");
      assertEquals(general[ch], one[ch], 1e-6 * size, "channel " + ch + " vs the general walk");
    }
  }
}
