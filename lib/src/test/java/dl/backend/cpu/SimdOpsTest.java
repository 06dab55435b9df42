package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dl.DType;
import dl.backend.UnaryOp;
import dl.backend.View;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API rows for ReLU, its derivative and batch norm's affine map give exactly what the
 * scalar loops give (they are meant to be a faster route to the same bits), on lengths around the
 * vector width and with the awkward values: NaN, ±0, ±∞.
 */
class SimdOpsTest {
  private static final CpuBackend SIMD = new CpuBackend(1, true), PLAIN = new CpuBackend(1, false);

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {1, 7, 16, 17, 33, 100, 1031})
  void unaryRowsMatchTheScalarLoopsBitForBit(int n) {
    float[] x = values(new Random(n), n);
    for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.STEP}) {
      float[][] got = new float[2][];
      int k = 0;
      for (CpuBackend cpu : new CpuBackend[] {SIMD, PLAIN}) {
        View in = View.contiguous(cpu.fromArray(x), new int[] {n});
        View out = View.contiguous(cpu.allocate(DType.FLOAT32, n), new int[] {n});
        cpu.unary(op, in, out);
        got[k++] = cpu.toFloatArray(out);
      }
      assertArrayEquals(got[1], got[0], 0f, op + " n=" + n);
    }
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {1, 15, 16, 40, 70000})
  void binaryRowsMatchTheScalarLoopsBitForBit(int n) {
    Random rng = new Random(n);
    float[] x = values(rng, n), y = values(rng, n), one = {(float) rng.nextGaussian()};
    // [2, n/2-ish] with a per-row broadcast, same shapes, and a scalar on either side
    for (dl.backend.BinaryOp op : dl.backend.BinaryOp.values()) {
      if (!SimdOps.handles(op)) continue;
      for (int form = 0; form < 3; form++) {
        float[][] got = new float[2][];
        int k = 0;
        for (CpuBackend cpu : new CpuBackend[] {SIMD, PLAIN}) {
          View a = View.contiguous(cpu.fromArray(x), new int[] {n});
          View b =
              form == 0
                  ? View.contiguous(cpu.fromArray(y), new int[] {n})
                  : new View(cpu.fromArray(one), new int[] {n}, new int[] {0}, 0);
          if (form == 2) {
            View t = a;
            a = b;
            b = t;
          }
          View out = View.contiguous(cpu.allocate(DType.FLOAT32, n), new int[] {n});
          cpu.binary(op, a, b, out);
          got[k++] = cpu.toFloatArray(out);
        }
        assertArrayEquals(got[1], got[0], 0f, op + " form " + form + " n=" + n);
      }
    }
  }

  @ParameterizedTest(name = "plane={0}")
  @ValueSource(ints = {1, 15, 49, 196})
  void batchNormAffineMatchesTheScalarLoopBitForBit(int plane) {
    int n = 3, c = 5, size = n * c * plane;
    Random rng = new Random(plane);
    float[] x = values(rng, size), g = values(rng, size);
    float[][] channel = new float[4][c];
    for (float[] v : channel) for (int i = 0; i < c; i++) v[i] = (float) rng.nextGaussian();
    for (boolean withGradient : new boolean[] {false, true}) {
      float[][] got = new float[2][];
      int k = 0;
      for (CpuBackend cpu : new CpuBackend[] {SIMD, PLAIN}) {
        int[] shape = {n, c, plane};
        View out = View.contiguous(cpu.allocate(DType.FLOAT32, size), shape);
        cpu.channelAffine(
            View.contiguous(cpu.fromArray(x), shape),
            vector(cpu, channel[0]),
            vector(cpu, channel[1]),
            vector(cpu, channel[2]),
            withGradient ? View.contiguous(cpu.fromArray(g), shape) : null,
            withGradient ? vector(cpu, channel[3]) : null,
            out);
        got[k++] = cpu.toFloatArray(out);
      }
      assertArrayEquals(got[1], got[0], 0f, "plane=" + plane + " gradient=" + withGradient);
    }
  }

  private static View vector(CpuBackend cpu, float[] v) {
    return View.contiguous(cpu.fromArray(v), new int[] {v.length});
  }

  private static float[] values(Random rng, int n) {
    float[] special = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    float[] v = new float[n];
    for (int i = 0; i < n; i++)
      v[i] = i % 11 == 5 ? special[(i / 11) % special.length] : (float) rng.nextGaussian();
    return v;
  }
}
