package dl.bench;

import dl.backend.Backend;
import dl.backend.Backends;
import dl.backend.opencl.OpenClBackend;
import dl.nn.CrossEntropyLoss;
import dl.nn.Module;
import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.optim.SGD;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Measures both backends on this machine: GEMM GFLOP/s for square float32 matrices, and training
 * images per second for LeNet-5 (and a small ResNet) on MNIST-sized random batches of 64. Run it
 * with {@code bash ci/bench.sh opencl} (arguments: {@code quick} for fewer repetitions).
 *
 * <p>NOTE: a benchmark, not a test: the numbers depend on the machine and on whatever else runs on
 * it. The OpenCL column is whatever device {@code Backends.opencl()} opens (PoCL on a machine
 * without a GPU, where it runs on the same CPU cores).
 */
public final class BackendBench {
  private BackendBench() {}

  public static void main(String[] args) {
    boolean quick = args.length > 0 && args[0].equals("quick");
    Backend cpu = Backends.cpu();
    Backend cl = Backends.opencl();
    System.out.println(Backends.info());
    List<Backend> backends = new ArrayList<>(List.of(cpu));
    if (cl instanceof OpenClBackend) backends.add(cl);
    else System.out.println("(no OpenCL device: CPU numbers only)");

    System.out.println();
    System.out.printf("%-28s", "GEMM float32, GFLOP/s");
    for (Backend b : backends) System.out.printf("%16s", b.name());
    System.out.println();
    for (int n : new int[] {256, 512, 1024}) {
      System.out.printf("%-28s", n + "×" + n + " · " + n + "×" + n);
      for (Backend b : backends) System.out.printf("%16.1f", gemm(b, n, quick));
      System.out.println();
    }

    System.out.println();
    System.out.printf("%-28s", "training, images/s (b=64)");
    for (Backend b : backends) System.out.printf("%16s", b.name());
    System.out.println();
    int steps = quick ? 5 : 20;
    System.out.printf("%-28s", "LeNet-5, SGD");
    for (Backend b : backends) System.out.printf("%16.0f", train(b, LeNet5::new, steps));
    System.out.println();
    System.out.printf("%-28s", "ResNet.small(1, 10, 1), SGD");
    for (Backend b : backends)
      System.out.printf("%16.0f", train(b, () -> ResNet.small(1, 10, 1), Math.max(3, steps / 4)));
    System.out.println();
  }

  private static void finish(Backend b) {
    if (b instanceof OpenClBackend cl) cl.finish();
  }

  /**
   * Best of several timed products (the first, with kernel compilation and warm-up, is dropped).
   */
  static double gemm(Backend b, int n, boolean quick) {
    Tensor x = Tensor.randn(new Rng(1), n, n).to(b), y = Tensor.randn(new Rng(2), n, n).to(b);
    x.matmul(y);
    finish(b);
    int reps = quick ? 2 : Math.max(3, (int) (2e9 / (2.0 * n * n * n)));
    double best = Double.MAX_VALUE;
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      x.matmul(y);
      finish(b);
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return 2.0 * n * n * n / best / 1e9;
  }

  /** Images per second over {@code steps} SGD steps after two warm-up steps. */
  static double train(Backend b, Supplier<Module> make, int steps) {
    Tensor.manualSeed(0);
    Module model = make.get().to(b);
    var opt = new SGD(model.parameters(), 0.01).momentum(0.9);
    var loss = new CrossEntropyLoss();
    Rng rng = new Rng(3);
    float[] labels = new float[64];
    for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
    Tensor y = Tensor.fromArray(labels, 64).to(b);
    long t0 = 0;
    for (int s = 0; s < steps + 2; s++) {
      if (s == 2) t0 = System.nanoTime();
      Tensor x = Tensor.randn(rng, 64, 1, 28, 28).to(b); // a batch arrives from the host each step
      opt.zeroGrad();
      Tensor l = loss.forward(model.forward(x), y);
      l.backward();
      opt.step();
      l.item(); // waits for the device, as a training loop that logs the loss does
    }
    return 64.0 * steps / ((System.nanoTime() - t0) / 1e9);
  }
}
