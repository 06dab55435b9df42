package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dl.DType;
import dl.backend.UnaryOp;
import dl.backend.View;
import org.junit.jupiter.api.Test;

/**
 * A unary op on a contiguous tensor merges into one long row, which the pool splits into pieces:
 * every element, read at an offset into its buffer and written at another, comes out as the op
 * defines it, whatever the thread count.
 */
class LongRowSplitTest {

  @Test
  void reluOfOneLongRowAtOffsetsOnThreeThreads() {
    int n = 3 * Parallel.ELEMENTS + 5, inAt = 7, outAt = 3;
    float[] x = new float[inAt + n];
    for (int i = 0; i < x.length; i++) x[i] = (i % 13) - 6.5f;
    for (CpuBackend cpu : new CpuBackend[] {new CpuBackend(1, true), new CpuBackend(3, true)}) {
      View in = new View(cpu.fromArray(x), new int[] {n}, new int[] {1}, inAt);
      View out =
          new View(cpu.allocate(DType.FLOAT32, outAt + n), new int[] {n}, new int[] {1}, outAt);
      cpu.unary(UnaryOp.RELU, in, out);
      float[] y = cpu.toFloatArray(out);
      for (int i = 0; i < n; i++)
        assertEquals(Math.max(x[inAt + i], 0f), y[i], "element " + i + " of " + n);
    }
  }
}
