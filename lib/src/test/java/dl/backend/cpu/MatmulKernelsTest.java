package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.backend.Buffer;
import dl.backend.View;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU backend's float32 matrix products (SIMD when the JVM has the Vector API, plain loops
 * otherwise) against a float64 triple loop, on shapes that are not multiples of the vector width
 * and with operands in every layout the kernels read in place or copy.
 */
class MatmulKernelsTest {

  @Test
  void testsRunWithTheSimdKernel() {
    // surefire starts the JVM with --add-modules jdk.incubator.vector (see the root pom); without
    // it the SIMD kernels below would silently not be exercised.
    assertTrue(CpuBackend.SIMD_AVAILABLE, "the Vector API module is missing from the test JVM");
    assertTrue(new CpuBackend(2).describe().contains("SIMD"), new CpuBackend(2).describe());
  }

  @ParameterizedTest(name = "m={0} k={1} n={2} aT={3} bT={4} threads={5} simd={6}")
  @CsvSource({
    "1, 1, 1, false, false, 1, true",
    "5, 7, 33, false, false, 2, true",
    "4, 16, 32, false, false, 2, true",
    "9, 3, 70, false, true, 2, true",
    "16, 144, 100, false, false, 2, true",
    "16, 100, 37, false, true, 2, true",
    "37, 5, 65, true, false, 2, true",
    "6, 50, 3, true, true, 1, true",
    "3, 33, 1, false, false, 2, true",
    "64, 130, 129, false, false, 2, true",
    "64, 130, 129, false, true, 2, true",
    "5, 7, 33, false, false, 2, false",
    "37, 5, 65, true, true, 2, false",
    "64, 130, 129, false, false, 2, false",
    "20, 40, 256, false, false, 2, true",
    "37, 5, 512, true, false, 3, true",
    "6, 256, 256, false, false, 1, true",
  })
  void floatMatmulMatchesFloat64TripleLoop(
      int m, int k, int n, boolean aTransposed, boolean bTransposed, int threads, boolean simd) {
    CpuBackend cpu = new CpuBackend(threads, simd);
    Random rng = new Random(31L * m + 7L * k + n);
    float[] a = random(rng, m * k), b = random(rng, k * n);
    View av = operand(cpu, a, m, k, aTransposed), bv = operand(cpu, b, k, n, bTransposed);
    View out = View.contiguous(cpu.allocate(DType.FLOAT32, m * n), new int[] {m, n});
    cpu.matmul(av, bv, out);
    float[] got = cpu.toFloatArray(out);
    float[] want = new float[m * n];
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[p * n + j];
        want[i * n + j] = (float) s;
      }
    assertArrayEquals(want, got, 1e-4f * k, "m=" + m + " k=" + k + " n=" + n);
  }

  @ParameterizedTest(name = "m={0} k={1} n={2}")
  @CsvSource({
    "3, 77, 5", // one element at a time
    "9, 77, 7", // 4 × 2 blocks finished from registers, an odd column and a leftover row
    "8, 400, 6", // LeNet-5's first linear layer's k: no tail
    "5, 1100, 3", // k past one chunk: partial sums carried between chunks
  })
  void transposedProductSumsInItsDocumentedOrder(int m, int k, int n) {
    // The NT kernel's order, replayed in scalar code: lane-wise fma over the vector part, lanes
    // added 0, 1, 2, … to 0f, then the tail by fma. Pinning it keeps results independent of when
    // the JIT compiles the kernel (reduceLanes left the lane order to the JDK, and JDK 25 changed
    // it).
    int lanes = SimdGemm.lanes();
    Random rng = new Random(77L * m + k);
    float[] a = random(rng, m * k), b = random(rng, k * n);
    CpuBackend cpu = new CpuBackend(1, true);
    View out = View.contiguous(cpu.allocate(DType.FLOAT32, m * n), new int[] {m, n});
    cpu.matmul(operand(cpu, a, m, k, false), operand(cpu, b, k, n, true), out);
    float[] got = cpu.toFloatArray(out), want = new float[m * n];
    int vectorPart = k - k % lanes;
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        float[] lane = new float[lanes];
        for (int p = 0; p < vectorPart; p++)
          lane[p % lanes] = Math.fma(a[i * k + p], b[p * n + j], lane[p % lanes]);
        float sum = 0f;
        for (float v : lane) sum += v;
        for (int p = vectorPart; p < k; p++) sum = Math.fma(a[i * k + p], b[p * n + j], sum);
        want[i * n + j] = sum;
      }
    assertArrayEquals(want, got, 0f);
  }

  @ParameterizedTest(name = "m={0} k={1} n={2} (B rows {3} apart) threads={4}")
  @CsvSource({
    "37, 531, 256, 256, 1", // blocked: k in slices with an odd last one, one row left over
    "37, 531, 256, 256, 3",
    "300, 2101, 70, 256, 2", // long k: several blocks of rows per chunk; a narrow last column block
    "24, 513, 256, 256, 2", // a last slice of one term
    "12, 64, 512, 512, 1", // one block of rows, k within one slice
    "6, 300, 256, 256, 2", // fewer rows than a block: the eight- and four-row kernels
    "16, 144, 100, 100, 2", // B read in place
  })
  void plainProductSumsInItsDocumentedOrder(int m, int k, int n, int ldb, int threads) {
    // Every path of the NN product, blocked or not, sums fma over p = 0, 1, …, k − 1 in order from
    // 0f: replayed here in scalar code, bit for bit.
    Random rng = new Random(13L * m + k);
    float[] a = random(rng, m * k), wide = random(rng, k * ldb);
    CpuBackend cpu = new CpuBackend(threads, true);
    View bv = new View(cpu.fromArray(wide), new int[] {k, n}, new int[] {ldb, 1}, 0);
    View out = View.contiguous(cpu.allocate(DType.FLOAT32, m * n), new int[] {m, n});
    cpu.matmul(operand(cpu, a, m, k, false), bv, out);
    float[] got = cpu.toFloatArray(out), want = new float[m * n];
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        float sum = 0f;
        for (int p = 0; p < k; p++) sum = Math.fma(a[i * k + p], wide[p * ldb + j], sum);
        want[i * n + j] = sum;
      }
    assertArrayEquals(want, got, 0f);
  }

  @ParameterizedTest(name = "m={0} threads={1}")
  @CsvSource({"12, 2", "13, 2", "100, 3", "1024, 1", "1024, 2", "1024, 4", "4001, 2"})
  void blockedChunksCoverTheRowsOnWholePanelsAndShrinkTowardsTheEnd(int m, int threads) {
    int[] starts = BlockedGemm.chunkStarts(m, threads);
    assertTrue(starts[0] == 0 && starts[starts.length - 1] == m, Arrays.toString(starts));
    if (threads == 1) {
      // multiply takes the rows block by block itself.
      assertTrue(starts.length == 2, "one thread, one chunk: " + Arrays.toString(starts));
      return;
    }
    for (int t = 0; t + 1 < starts.length; t++) {
      int size = starts[t + 1] - starts[t];
      assertTrue(size > 0 && size <= 192 && starts[t] % 12 == 0, Arrays.toString(starts));
      if (t > 0 && t + 2 < starts.length)
        assertTrue(
            size <= starts[t] - starts[t - 1], "sizes never grow: " + Arrays.toString(starts));
    }
    if (threads == 2 && m >= 1024) {
      // Whole blocks first, pieces of at most two panels at the end.
      assertTrue(starts[1] == 192, Arrays.toString(starts));
      assertTrue(m - starts[starts.length - 2] <= 24, Arrays.toString(starts));
    }
  }

  @ParameterizedTest(name = "m={0} n={1} B transposed={2} simd={3}")
  @CsvSource({
    "20, 256, false, true", // the packed path
    "20, 100, false, true",
    "20, 100, true, true",
    "20, 100, false, false",
  })
  void aProductOverNoTermsWritesZeros(int m, int n, boolean bTransposed, boolean simd) {
    // (m × 0) · (0 × n): every element is an empty sum. The output starts as NaN, so a path that
    // leaves it unwritten fails.
    CpuBackend cpu = new CpuBackend(2, simd);
    float[] nan = new float[m * n];
    Arrays.fill(nan, Float.NaN);
    View out = View.contiguous(cpu.fromArray(nan), new int[] {m, n});
    View av = View.contiguous(cpu.allocate(DType.FLOAT32, 0), new int[] {m, 0});
    View bv =
        bTransposed
            ? new View(cpu.allocate(DType.FLOAT32, 0), new int[] {0, n}, new int[] {1, 0}, 0)
            : new View(cpu.allocate(DType.FLOAT32, 0), new int[] {0, n}, new int[] {n, 1}, 0);
    cpu.matmul(av, bv, out);
    assertArrayEquals(new float[m * n], cpu.toFloatArray(out), 0f);
  }

  @Test
  void packedPanelsHandleANarrowSliceOfAWideMatrix() {
    // B is columns [3, 73) of a k × 256 matrix: rows 256 floats apart (so B is packed first) and a
    // last column block narrower than the vector width.
    int m = 13, k = 21, n = 70, stride = 256;
    Random rng = new Random(11);
    float[] a = random(rng, m * k), wide = random(rng, k * stride);
    for (int threads : new int[] {1, 2}) {
      CpuBackend cpu = new CpuBackend(threads, true);
      View bv = new View(cpu.fromArray(wide), new int[] {k, n}, new int[] {stride, 1}, 3);
      View out = View.contiguous(cpu.allocate(DType.FLOAT32, m * n), new int[] {m, n});
      cpu.matmul(operand(cpu, a, m, k, false), bv, out);
      float[] got = cpu.toFloatArray(out), want = new float[m * n];
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) s += (double) a[i * k + p] * wide[p * stride + 3 + j];
          want[i * n + j] = (float) s;
        }
      assertArrayEquals(want, got, 1e-4f * k, threads + " thread(s)");
    }
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    Random rng = new Random(5);
    int m = 18, k = 77, n = 301;
    float[] a = random(rng, m * k), b = random(rng, k * n);
    float[][] results = new float[4][];
    int r = 0;
    for (boolean bTransposed : new boolean[] {false, true})
      for (int threads : new int[] {1, 3}) {
        CpuBackend cpu = new CpuBackend(threads);
        View out = View.contiguous(cpu.allocate(DType.FLOAT32, m * n), new int[] {m, n});
        cpu.matmul(operand(cpu, a, m, k, false), operand(cpu, b, k, n, bTransposed), out);
        results[r++] = cpu.toFloatArray(out);
      }
    assertArrayEquals(results[0], results[1], 0f, "NN: 1 vs 3 threads");
    assertArrayEquals(results[2], results[3], 0f, "NT: 1 vs 3 threads");
  }

  private static float[] random(Random rng, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) x[i] = (float) rng.nextGaussian();
    return x;
  }

  /**
   * The rows × cols matrix {@code values} (row-major) as a view; transposed means stored
   * column-major, as a permuted tensor would be.
   */
  private static View operand(
      CpuBackend cpu, float[] values, int rows, int cols, boolean transposed) {
    if (!transposed) return View.contiguous(cpu.fromArray(values), new int[] {rows, cols});
    float[] colMajor = new float[values.length];
    for (int i = 0; i < rows; i++)
      for (int j = 0; j < cols; j++) colMajor[j * rows + i] = values[i * cols + j];
    Buffer buffer = cpu.fromArray(colMajor);
    return new View(buffer, new int[] {rows, cols}, new int[] {1, rows}, 0);
  }
}
