package dl.bench;

import dl.backend.Backends;
import dl.nn.CrossEntropyLoss;
import dl.nn.Module;
import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.optim.SGD;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Peak heap and step time of LeNet-5 and {@code ResNet.small(1, 10, 1)} training steps (SGD with
 * momentum, cross-entropy, random float32 batches) for several batch and image sizes; prints a
 * markdown table.
 *
 * <p>Two heap figures per row:
 *
 * <ul>
 *   <li><b>live peak</b>: the heap in use right after a full {@code System.gc()} taken at the end
 *       of the forward pass (when the graph holds every activation) and again after backward (when
 *       every gradient exists); the larger of the two. This is what the step needs to keep alive: a
 *       smaller {@code -Xmx} makes the JVM collect more often, and one below it fails.
 *   <li><b>used peak</b>: the sum of the heap pools' peak usage over the timed steps (garbage not
 *       yet collected included; pools peak at different moments, so an upper bound). It depends on
 *       {@code -Xmx} and the collector and shows allocation pressure, not need.
 * </ul>
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx3g -cp ci/bench/target/benchmarks.jar
 * dl.bench.MemoryScale [quick]}.
 */
public final class MemoryScale {
  private MemoryScale() {}

  record Row(String model, Supplier<Module> make, int batch, int size, int steps) {}

  public static void main(String[] args) {
    boolean quick = args.length > 0 && args[0].equals("quick");
    Supplier<Module> lenet = LeNet5::new, resnet = () -> ResNet.small(1, 10, 1);
    int ls = quick ? 3 : 10, rs = quick ? 1 : 3;
    List<Row> rows =
        List.of(
            new Row("LeNet-5", lenet, 32, 28, ls),
            new Row("LeNet-5", lenet, 64, 28, ls),
            new Row("LeNet-5", lenet, 128, 28, ls),
            new Row("LeNet-5", lenet, 256, 28, ls),
            new Row("ResNet-8 (small(1,10,1))", resnet, 32, 28, rs),
            new Row("ResNet-8 (small(1,10,1))", resnet, 64, 28, rs),
            new Row("ResNet-8 (small(1,10,1))", resnet, 128, 28, rs),
            new Row("ResNet-8 (small(1,10,1))", resnet, 256, 28, rs),
            new Row("ResNet-8 (small(1,10,1))", resnet, 64, 56, rs),
            new Row("ResNet-8 (small(1,10,1))", resnet, 256, 56, rs));
    System.out.println(Backends.current().describe());
    System.out.printf(
        Locale.ROOT,
        "max heap %d MB, %d processors%n%n",
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    // NOTE: warms the JIT up on both models first, or the first row measures the compiler.
    measure(new Row("warm-up", lenet, 64, 28, quick ? 10 : 30), false);
    measure(new Row("warm-up", resnet, 32, 28, 2), false);
    System.out.println(
        "| model | batch | image | ms/step, best (median) | images/s (best) | live peak MB | used peak"
            + " MB |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (Row r : rows) {
      if (quick && r.size() == 56 && r.batch() == 256) continue;
      try {
        measure(r, true);
      } catch (OutOfMemoryError e) {
        System.gc();
        System.out.printf(
            Locale.ROOT,
            "| %s | %d | %d×%d | out of memory with -Xmx%dm | | | |%n",
            r.model(),
            r.batch(),
            r.size(),
            r.size(),
            Runtime.getRuntime().maxMemory() >> 20);
      }
    }
  }

  private static void measure(Row r, boolean print) {
    Tensor.manualSeed(0);
    Module model = r.make().get();
    SGD opt = new SGD(model.parameters(), 0.01).momentum(0.9);
    CrossEntropyLoss loss = new CrossEntropyLoss();
    Tensor x = Tensor.randn(new Rng(3), r.batch(), 1, r.size(), r.size());
    float[] labels = new float[r.batch()];
    for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
    Tensor y = Tensor.fromArray(labels, r.batch());

    // One step with full collections at its two fullest moments; it also warms the JIT up.
    opt.zeroGrad();
    System.gc();
    Tensor l = loss.forward(model.forward(x), y);
    long afterForward = liveHeap();
    l.backward();
    long afterBackward = liveHeap();
    opt.step();
    l = null;

    System.gc();
    List<MemoryPoolMXBean> pools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    double[] ms = new double[r.steps()];
    for (int s = 0; s < r.steps(); s++) {
      long t0 = System.nanoTime();
      opt.zeroGrad();
      Tensor ls = loss.forward(model.forward(x), y);
      ls.backward();
      opt.step();
      ls.item();
      ms[s] = (System.nanoTime() - t0) / 1e6;
    }
    long usedPeak = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    Arrays.sort(ms);
    double median = ms[ms.length / 2], best = ms[0];
    if (!print) return;
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %d×%d | %.1f (%.1f) | %.0f | %.0f | %.0f |%n",
        r.model(),
        r.batch(),
        r.size(),
        r.size(),
        best,
        median,
        r.batch() / (best / 1e3),
        Math.max(afterForward, afterBackward) / 1048576.0,
        usedPeak / 1048576.0);
  }

  private static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
