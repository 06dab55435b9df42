package dl.bench;

import dl.data.Batch;
import dl.data.DataLoader;
import dl.data.DataSplits;
import dl.data.Datasets;
import dl.data.Transforms;
import dl.nn.BatchNorm2d;
import dl.nn.CrossEntropyLoss;
import dl.nn.Module;
import dl.nn.functional.Conv;
import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.optim.SGD;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The workloads of the interleaved comparison ({@code compare.sh --interleaved}), one name each,
 * timed without JMH so that {@code torch_bench.py} can alternate them with PyTorch's: it starts
 * this class with {@code serve}, writes {@code NAME CALLS SECONDS} lines and reads back one line
 * {@code NAME MS_PER_CALL} each. A request calls the workload at least CALLS times and for at least
 * SECONDS seconds and answers the mean time per call; a workload keeps its state (model, optimizer,
 * data loader) from one request to the next, so the first request is the JIT's warm-up.
 *
 * <p>Names (batch 64 everywhere; the same in {@code torch_bench.py}):
 *
 * <ul>
 *   <li>{@code train_lenet5}: one LeNet-5 training step on MNIST as notebook 10 trains it: the next
 *       batch of a shuffling {@link DataLoader}, forward, cross-entropy, backward, SGD (lr 0.05,
 *       momentum 0.9, weight decay 5e-4);
 *   <li>{@code train_resnet8}: one step of {@code ResNet.small(1, 10, 1)} on Fashion-MNIST as
 *       notebook 13's full mode trains it: the loader's batch goes through its augmentation (random
 *       horizontal flip, random 28×28 crop after padding 2), SGD lr 0.1, momentum 0.9, weight decay
 *       5e-4;
 *   <li>{@code gemm_N}: one product of two N × N float32 matrices of normal random numbers
 *       ({@code Tensor.matmul}; PyTorch's {@code torch.mm});
 *   <li>{@code conv_CIN_COUT_HW_K_S_P_fwd} and {@code ..._fwdbwd}: one convolution (no bias) of
 *       [64, CIN, HW, HW] images with COUT K×K kernels, stride S, padding P; forward+backward
 *       computes the weight gradient and, unless CIN = 1 (the network's input), the input gradient;
 *   <li>{@code bn_C_HW_fwdbwd}: batch norm in training mode on [64, C, HW, HW], forward and
 *       backward (gradients of the input, weight and bias).
 * </ul>
 *
 * <p>By hand: {@code java --add-modules jdk.incubator.vector -Ddl.backend=cpu -cp
 * ci/bench/target/benchmarks.jar dl.bench.Workloads run train_resnet8 100 0}.
 */
public final class Workloads {
  static final int BATCH = 64;
  private static final Map<String, Runnable> cache = new HashMap<>();

  private Workloads() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("run")) {
      System.out.println(answer(args[1], Integer.parseInt(args[2]), Double.parseDouble(args[3])));
      return;
    }
    if (args.length != 1 || !args[0].equals("serve"))
      throw new IllegalArgumentException(
          "Workloads: usage: serve | run NAME CALLS SECONDS, got " + String.join(" ", args));
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] f = line.trim().split("\\s+");
      if (f.length != 3)
        throw new IllegalArgumentException("Workloads: expected 'NAME CALLS SECONDS', got " + line);
      System.out.println(answer(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2])));
      System.out.flush();
    }
  }

  static String answer(String name, int calls, double seconds) {
    Runnable w = cache.computeIfAbsent(name, Workloads::make);
    long start = System.nanoTime();
    int done = 0;
    while (done < calls || System.nanoTime() - start < seconds * 1e9) {
      w.run();
      done++;
    }
    double ms = (System.nanoTime() - start) / 1e6 / done;
    return String.format(Locale.ROOT, "%s %.6f", name, ms);
  }

  static Runnable make(String name) {
    if (name.equals("train_lenet5")) {
      Tensor.manualSeed(0);
      return trainer(new LeNet5(), Datasets.mnist(), 0.05, false);
    }
    if (name.equals("train_resnet8")) {
      Tensor.manualSeed(0);
      return trainer(ResNet.small(1, 10, 1), Datasets.fashionMnist(), 0.1, true);
    }
    String[] f = name.split("_");
    if (f[0].equals("conv") && f.length == 8) {
      int[] v = new int[6];
      for (int i = 0; i < 6; i++) v[i] = Integer.parseInt(f[i + 1]);
      return conv(v[0], v[1], v[2], v[3], v[4], v[5], f[7].equals("fwdbwd"));
    }
    if (f[0].equals("gemm") && f.length == 2) {
      int n = Integer.parseInt(f[1]);
      Tensor a = Tensor.randn(new Rng(1), n, n), b = Tensor.randn(new Rng(2), n, n);
      return () -> a.matmul(b);
    }
    if (f[0].equals("bn") && f.length == 4 && f[3].equals("fwdbwd"))
      return batchNorm(Integer.parseInt(f[1]), Integer.parseInt(f[2]));
    throw new IllegalArgumentException("Workloads: unknown workload '" + name + "'");
  }

  /**
   * One training step per call, each on the loader's next batch (a new shuffled epoch when done).
   */
  static Runnable trainer(Module model, DataSplits data, double lr, boolean augment) {
    var opt = new SGD(model.parameters(), lr).momentum(0.9).weightDecay(5e-4);
    var loss = new CrossEntropyLoss();
    var loader = new DataLoader(data.train(), BATCH).shuffle(0).dropLast(true);
    if (augment)
      loader.transform(
          Transforms.compose(
              Transforms.randomHorizontalFlip(0.5, new Rng(1)),
              Transforms.randomCrop(28, 2, new Rng(2))));
    model.train();
    return new Runnable() {
      Iterator<Batch> epoch = loader.iterator();

      @Override
      public void run() {
        if (!epoch.hasNext()) epoch = loader.iterator();
        Batch b = epoch.next();
        opt.zeroGrad();
        Tensor l = loss.forward(model.forward(b.x()), b.y());
        l.item();
        l.backward();
        opt.step();
      }
    };
  }

  static Runnable conv(int cin, int cout, int hw, int k, int stride, int pad, boolean backward) {
    Rng rng = new Rng(7);
    boolean inputGrad = cin > 1;
    Tensor x = Tensor.randn(rng, BATCH, cin, hw, hw).requiresGrad(backward && inputGrad);
    Tensor w = Tensor.randn(rng, cout, cin, k, k).mul(0.1).detach().requiresGrad(backward);
    int out = (hw + 2 * pad - k) / stride + 1;
    Tensor dy = Tensor.randn(rng, BATCH, cout, out, out);
    int[] s = {stride, stride}, p = Conv.pad(pad, pad), one = {1, 1};
    if (!backward) return () -> Conv.conv2d(x, w, null, s, p, one, 1);
    return () -> {
      x.zeroGrad();
      w.zeroGrad();
      Conv.conv2d(x, w, null, s, p, one, 1).backward(dy);
    };
  }

  static Runnable batchNorm(int c, int hw) {
    Rng rng = new Rng(7);
    var bn = new BatchNorm2d(c);
    bn.train();
    Tensor x = Tensor.randn(rng, BATCH, c, hw, hw).requiresGrad(true);
    Tensor dy = Tensor.randn(rng, BATCH, c, hw, hw);
    return () -> {
      x.zeroGrad();
      bn.zeroGrad();
      bn.forward(x).backward(dy);
    };
  }
}
