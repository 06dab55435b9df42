package dl.bench;

import dl.nn.CrossEntropyLoss;
import dl.nn.models.LeNet5;
import dl.optim.SGD;
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
 * One LeNet-5 training step at batch 64 on 1×28×28 inputs: forward, cross-entropy, backward, SGD
 * step (momentum 0.9). Images per second = 64 / (time per step). The batch is fixed (random
 * normal), so data loading is not measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgs = {"--add-modules=jdk.incubator.vector", "-Ddl.backend=cpu", "-Xms1g", "-Xmx2g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LeNetStepBench {
  static final int BATCH = 64;

  private LeNet5 model;
  private SGD opt;
  private final CrossEntropyLoss loss = new CrossEntropyLoss();
  private Tensor x, y;

  @Setup
  public void setup() {
    Tensor.manualSeed(0);
    model = new LeNet5();
    opt = new SGD(model.parameters(), 0.01).momentum(0.9);
    x = Tensor.randn(new Rng(3), BATCH, 1, 28, 28);
    float[] labels = new float[BATCH];
    for (int i = 0; i < BATCH; i++) labels[i] = i % 10;
    y = Tensor.fromArray(labels, BATCH);
  }

  @Benchmark
  public double step() {
    opt.zeroGrad();
    Tensor l = loss.forward(model.forward(x), y);
    l.backward();
    opt.step();
    return l.item();
  }
}
