package dl.bench;

import dl.nn.CrossEntropyLoss;
import dl.nn.Module;
import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.optim.SGD;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * What autograd's in-place check (issue #20: a version counter per tensor, recorded when an op
 * saves a tensor for backward and compared when backward uses it) costs in a training step: one
 * step of LeNet-5 or ResNet-8 ({@code ResNet.small(1, 10, 1)}) at batch 64 on 1×28×28 inputs
 * (forward, cross-entropy, backward, SGD with momentum 0.9 and weight decay 5e-4), on a fixed
 * random batch.
 *
 * <p>The check is switched off for a whole JVM with {@code -Ddl.autograd.versionCheck=false}, a
 * switch that exists for this measurement only. {@link #main} runs one fork per setting, on and off
 * alternating (on first in odd rounds, off first in even ones), so both see the same load on a
 * shared machine, and prints the median and range of each setting's fork means and of the paired
 * ratios (on ÷ off, per round), for wall time, the benchmark thread's CPU time (which the other
 * jobs on a shared machine move much less; with {@code DL_THREADS=1} it is the whole step) and the
 * bytes each step allocates (JMH's GC profiler):
 *
 * <pre>
 * DL_THREADS=1 java -cp ci/bench/target/benchmarks.jar dl.bench.InPlaceCheckBench [rounds=4] [warm-ups=3] [iterations=5] [seconds per iteration=1] [models=lenet5,resnet8]
 * java -jar ci/bench/target/benchmarks.jar InPlaceCheck -jvmArgsAppend -Ddl.autograd.versionCheck=false   # one side by hand
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgs = {"--add-modules=jdk.incubator.vector", "-Ddl.backend=cpu", "-Xms1g", "-Xmx2g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InPlaceCheckBench {
  static final int BATCH = 64;

  @Param({"lenet5", "resnet8"})
  public String model;

  private Module net;
  private SGD opt;
  private final CrossEntropyLoss loss = new CrossEntropyLoss();
  private Tensor x, y;

  @Setup
  public void setup() {
    Tensor.manualSeed(0);
    net = model.equals("lenet5") ? new LeNet5() : ResNet.small(1, 10, 1);
    net.train();
    opt = new SGD(net.parameters(), 0.01).momentum(0.9).weightDecay(5e-4);
    x = Tensor.randn(new Rng(3), BATCH, 1, 28, 28);
    float[] labels = new float[BATCH];
    for (int i = 0; i < BATCH; i++) labels[i] = i % 10;
    y = Tensor.fromArray(labels, BATCH);
  }

  @Benchmark
  public double step(CpuTime cpu) {
    opt.zeroGrad();
    Tensor l = loss.forward(net.forward(x), y);
    l.backward();
    opt.step();
    double value = l.item();
    cpu.stepDone();
    return value;
  }

  /**
   * The benchmark thread's CPU time over each measurement iteration, and its steps. On a machine
   * shared with other jobs, wall time per step moves with their load; the CPU time a step takes
   * moves much less. With {@code DL_THREADS=1} the whole step runs on this thread.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long start;

    /** CPU nanoseconds of this thread from the iteration's start to its last step. */
    public long cpuNanos;

    /** Steps in the iteration. */
    public long steps;

    @Setup(Level.Iteration)
    public void reset() {
      steps = 0;
      cpuNanos = 0;
      start = THREADS.getCurrentThreadCpuTime();
    }

    void stepDone() {
      steps++;
      cpuNanos = THREADS.getCurrentThreadCpuTime() - start;
    }
  }

  /** Interleaved forks, check on and off; see the class comment. */
  public static void main(String[] args) throws Exception {
    int rounds = arg(args, 0, 4), warmups = arg(args, 1, 3), iterations = arg(args, 2, 5);
    int seconds = arg(args, 3, 1);
    String[] models = args.length > 4 ? args[4].split(",") : new String[] {"lenet5", "resnet8"};
    boolean[] settings = {true, false};
    // ms per step (wall), CPU ms per step, bytes allocated per step: [model][setting][round]
    double[][][] ms = new double[models.length][2][rounds];
    double[][][] cpuMs = new double[models.length][2][rounds];
    double[][][] bytes = new double[models.length][2][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int m = 0; m < models.length; m++) {
        for (int k = 0; k < 2; k++) {
          int s = r % 2 == 0 ? k : 1 - k; // on first in rounds 1, 3, …; off first in 2, 4, …
          RunResult result = fork(models[m], settings[s], warmups, iterations, seconds);
          var secondary = result.getSecondaryResults();
          ms[m][s][r] = result.getPrimaryResult().getScore();
          // NOTE: both counters are aggregated over the iterations the same way, so their ratio is
          // the CPU time per step over all measurement iterations.
          cpuMs[m][s][r] =
              secondary.get("cpuNanos").getScore() / secondary.get("steps").getScore() / 1e6;
          bytes[m][s][r] = secondary.get("gc.alloc.rate.norm").getScore();
          System.out.printf(
              Locale.ROOT,
              "round %d %-7s check %-3s %8.2f ms/step, %8.2f CPU ms/step, %,14.0f bytes/step%n",
              r + 1,
              models[m],
              settings[s] ? "on" : "off",
              ms[m][s][r],
              cpuMs[m][s][r],
              bytes[m][s][r]);
        }
      }
    }
    table("wall time, ms per step", models, ms, "%.2f");
    table("CPU time of the benchmark thread, ms per step", models, cpuMs, "%.2f");
    table("bytes allocated per step (JMH's GC profiler)", models, bytes, "%,.0f");
  }

  /** One row per model: each setting's median (range) over the rounds, and on ÷ off per round. */
  private static void table(String what, String[] models, double[][][] v, String format) {
    System.out.println();
    System.out.println(what + ":");
    System.out.println(
        "| model | check on: median (range) | check off: median (range) |"
            + " on ÷ off, paired by round: median (range) |");
    System.out.println("|---|---:|---:|---:|");
    for (int m = 0; m < models.length; m++) {
      int rounds = v[m][0].length;
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) ratio[r] = v[m][0][r] / v[m][1][r];
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %s |%n",
          models[m].equals("lenet5") ? "LeNet-5" : "ResNet-8",
          summary(v[m][0], format),
          summary(v[m][1], format),
          summary(ratio, "%.3f"));
    }
  }

  private static RunResult fork(
      String model, boolean check, int warmups, int iterations, int seconds) throws Exception {
    Options opts =
        new OptionsBuilder()
            .include(InPlaceCheckBench.class.getName() + ".step")
            .param("model", model)
            .forks(1)
            .warmupIterations(warmups)
            .warmupTime(TimeValue.seconds(seconds))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(seconds))
            .jvmArgsAppend("-Ddl.autograd.versionCheck=" + check)
            .addProfiler(GCProfiler.class) // bytes allocated per step: load does not move them
            .verbosity(VerboseMode.SILENT)
            .build();
    Collection<RunResult> results = new Runner(opts).run();
    if (results.size() != 1)
      throw new IllegalStateException(
          "InPlaceCheckBench: expected one result for " + model + ", got " + results.size());
    return results.iterator().next();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String summary(double[] values, String format) {
    return String.format(
        Locale.ROOT,
        format + " (" + format + "–" + format + ")",
        median(values),
        Arrays.stream(values).min().orElse(Double.NaN),
        Arrays.stream(values).max().orElse(Double.NaN));
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }
}
