package dl.bench;

import dl.nn.functional.Pool;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Max pooling 2×2, stride 2, float32, on [64, 16, 28, 28] (LeNet-sized maps): forward alone, and
 * forward plus backward (the gradient scattered back to where each maximum was).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgs = {"--add-modules=jdk.incubator.vector", "-Ddl.backend=cpu", "-Xms1g", "-Xmx2g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MaxPoolBench {
  private static final int[] TWO = {2, 2}, ONE = {1, 1}, NO_PAD = {0, 0, 0, 0};
  private Tensor x, dy;

  @Setup
  public void setup() {
    Rng rng = new Rng(11);
    x = Tensor.randn(rng, 64, 16, 28, 28).requiresGrad(true);
    dy = Tensor.randn(rng, 64, 16, 14, 14);
  }

  @Benchmark
  public Tensor forward() {
    return Pool.maxPool2d(x, TWO, TWO, NO_PAD, ONE);
  }

  @Benchmark
  public Tensor forwardBackward() {
    x.zeroGrad();
    Pool.maxPool2d(x, TWO, TWO, NO_PAD, ONE).backward(dy);
    return x.grad();
  }
}
