package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.backend.View;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The float32 scatter along the last axis of contiguous tensors (max pooling's backward pass) takes
 * its own loop; it must add in the generic walk's order (the float64 path) and check its indices.
 */
class ScatterKernelsTest {

  /** Small, and large enough to be split over threads (rows go to threads whole). */
  @ParameterizedTest
  @CsvSource({"6, 40, 9", "384, 196, 784"})
  void lastAxisScatterMatchesTheGenericWalk(int rows, int len, int limit) {
    CpuBackend cpu = new CpuBackend(2, true);
    Random rng = new Random(3);
    float[] src = new float[rows * len], index = new float[rows * len];
    double[] srcD = new double[src.length], indexD = new double[index.length];
    for (int i = 0; i < src.length; i++) {
      srcD[i] = src[i] = (float) rng.nextGaussian();
      indexD[i] = index[i] = rng.nextInt(limit); // many repeats: the order of the sums shows
    }
    int[] inShape = {2, rows / 2, len}, outShape = {2, rows / 2, limit};
    for (boolean add : new boolean[] {true, false}) {
      View out = View.contiguous(cpu.allocate(DType.FLOAT32, rows * limit), outShape);
      View outD = View.contiguous(cpu.allocate(DType.FLOAT64, rows * limit), outShape);
      View s = View.contiguous(cpu.fromArray(src), inShape);
      View i = View.contiguous(cpu.fromArray(index), inShape);
      View sD = View.contiguous(cpu.fromArray(srcD), inShape);
      View iD = View.contiguous(cpu.fromArray(indexD), inShape);
      if (add) {
        cpu.scatterAdd(s, 2, i, out);
        cpu.scatterAdd(sD, 2, iD, outD);
      } else {
        cpu.scatter(s, 2, i, out);
        cpu.scatter(sD, 2, iD, outD);
      }
      double[] want = cpu.toDoubleArray(outD);
      float[] wantF = new float[want.length];
      for (int k = 0; k < want.length; k++) wantF[k] = (float) want[k];
      // float64 sums rounded once may differ from float32 sums in the last bit; compare loosely
      // here and exactly against a float32 loop in the generic order below.
      float[] got = cpu.toFloatArray(out);
      assertArrayEquals(wantF, got, 1e-5f, "scatter" + (add ? "Add" : "") + " values");
      float[] exact = new float[rows * limit];
      for (int k = 0; k < src.length; k++) {
        int at = (k / len) * limit + (int) index[k];
        exact[at] = add ? exact[at] + src[k] : src[k];
      }
      assertArrayEquals(exact, got, 0f, "scatter" + (add ? "Add" : "") + " in order");
    }
  }

  @Test
  void lastAxisScatterRejectsAnIndexOutOfRange() {
    CpuBackend cpu = new CpuBackend(1, true);
    View src = View.contiguous(cpu.fromArray(new float[] {1, 2, 3}), new int[] {1, 3});
    View out = View.contiguous(cpu.allocate(DType.FLOAT32, 2), new int[] {1, 2});
    for (float bad : new float[] {2f, -1f, 0.5f, Float.NaN}) {
      View index = View.contiguous(cpu.fromArray(new float[] {0, bad, 1}), new int[] {1, 3});
      var e =
          assertThrows(IllegalArgumentException.class, () -> cpu.scatterAdd(src, 1, index, out));
      assertTrue(e.getMessage().contains("scatterAdd"), e.getMessage());
      assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }
  }
}
