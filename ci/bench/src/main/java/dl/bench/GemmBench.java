package dl.bench;

import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGEMM as users call it: {@code Tensor.matmul} of two float32 n×n matrices (no autograd).
 *
 * <p>FLOPs per call: 2·n³ (one multiply and one add per term).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgs = {"--add-modules=jdk.incubator.vector", "-Ddl.backend=cpu", "-Xms1g", "-Xmx2g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GemmBench {
  @Param({"256", "512", "1024"})
  public int n;

  private Tensor a, b;

  @Setup
  public void setup() {
    a = Tensor.randn(new Rng(1), n, n);
    b = Tensor.randn(new Rng(2), n, n);
  }

  @Benchmark
  public Tensor matmul() {
    return a.matmul(b);
  }
}
