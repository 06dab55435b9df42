package dl.bench;

import dl.nn.functional.Conv;
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
 * 2-D convolution through {@code nn.functional.Conv.conv2d}, float32, stride 1, at three layer
 * shapes (batch 64):
 *
 * <ul>
 *   <li>{@code lenet1}: 1→6 channels, 5×5, 28×28, padding 2, with bias (LeNet-5's first layer; the
 *       input is the image, so backward computes no input gradient, as in training);
 *   <li>{@code lenet2}: 6→16 channels, 5×5, 14×14, no padding, with bias;
 *   <li>{@code resnet}: 64→64 channels, 3×3, 14×14, padding 1, no bias (a ResNet basic block).
 * </ul>
 *
 * <p>FLOPs: one pass is 2·N·C_out·OH·OW·C_in·kh·kw (the multiply-adds of the convolution as a
 * matrix product; bias and im2col copies not counted). {@link #forward} is one pass; {@link
 * #forwardBackward} is three (forward, weight gradient, input gradient), two for {@code lenet1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgs = {"--add-modules=jdk.incubator.vector", "-Ddl.backend=cpu", "-Xms1g", "-Xmx2g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ConvBench {
  @Param({"lenet1", "lenet2", "resnet"})
  public String shape;

  private static final int[] ONE = {1, 1};
  private Tensor x, w, b, dy;
  private int[] padding;

  @Setup
  public void setup() {
    Rng rng = new Rng(7);
    int cin, cout, hw, k, pad;
    boolean bias, inputGrad;
    switch (shape) {
      case "lenet1" -> {
        cin = 1;
        cout = 6;
        hw = 28;
        k = 5;
        pad = 2;
        bias = true;
        inputGrad = false;
      }
      case "lenet2" -> {
        cin = 6;
        cout = 16;
        hw = 14;
        k = 5;
        pad = 0;
        bias = true;
        inputGrad = true;
      }
      case "resnet" -> {
        cin = 64;
        cout = 64;
        hw = 14;
        k = 3;
        pad = 1;
        bias = false;
        inputGrad = true;
      }
      default -> throw new IllegalArgumentException("ConvBench: unknown shape " + shape);
    }
    int out = hw + 2 * pad - k + 1;
    padding = Conv.pad(pad, pad);
    x = Tensor.randn(rng, 64, cin, hw, hw).requiresGrad(inputGrad);
    w = Tensor.randn(rng, cout, cin, k, k).mul(0.1).detach().requiresGrad(true);
    b = bias ? Tensor.randn(rng, cout).requiresGrad(true) : null;
    dy = Tensor.randn(rng, 64, cout, out, out);
  }

  private Tensor conv() {
    return Conv.conv2d(x, w, b, ONE, padding, ONE, 1);
  }

  @Benchmark
  public Tensor forward() {
    return conv();
  }

  @Benchmark
  public Tensor forwardBackward() {
    x.zeroGrad();
    w.zeroGrad();
    if (b != null) b.zeroGrad();
    conv().backward(dy);
    return w.grad();
  }
}
