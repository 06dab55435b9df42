package dl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.backend.Backends;
import dl.backend.cpu.CpuBackend;
import dl.nn.models.BasicBlock;
import dl.nn.models.Bottleneck;
import dl.nn.models.ConvNets;
import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.optim.SGD;
import dl.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvLayersTest {
  /**
   * The lecture's 5×5 input and 3×3 kernel: a valid convolution gives
   * [[12,12,17],[10,17,19],[9,6,14]].
   */
  @Test
  void lectureConvolutionExample() {
    Tensor image =
        Tensor.of(
                new double[][] {
                  {3, 3, 2, 1, 0},
                  {0, 0, 1, 3, 1},
                  {3, 1, 2, 2, 3},
                  {2, 0, 0, 2, 2},
                  {2, 0, 0, 0, 1}
                })
            .reshape(1, 1, 5, 5);
    Tensor kernel = Tensor.of(new double[][] {{0, 1, 2}, {2, 2, 0}, {0, 1, 2}}).reshape(1, 1, 3, 3);
    var conv = new Conv2d(1, 1, 3).bias(false);
    conv.loadStateDict(Map.of("weight", kernel));
    assertArrayEquals(
        new float[] {12, 12, 17, 10, 17, 19, 9, 6, 14}, conv.forward(image).toFloatArray());
  }

  @Test
  void outputSizeFollowsTheFormula() {
    assertEquals(3, Conv2d.outputSize(5, 3, 1, 0, 1));
    assertEquals(28, Conv2d.outputSize(28, 5, 1, 2, 1));
    assertEquals(55, Conv2d.outputSize(227, 11, 4, 0, 1)); // AlexNet's first layer
    assertEquals(3, Conv2d.outputSize(7, 3, 1, 0, 2)); // dilation 2: the kernel spans 5
    var same = new Conv2d(2, 3, 4).padding("same").dilation(2);
    assertArrayEquals(
        new int[] {1, 3, 9, 10}, same.forward(Tensor.zeros(1, 2, 9, 10)).shape().toArray());
  }

  @Test
  void badInputNamesTheLayerAndShapes() {
    var conv = new Conv2d(3, 8, 3);
    var e1 =
        assertThrows(
            IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(2, 1, 28, 28)));
    assertTrue(
        e1.getMessage().contains("Conv2d(3 -> 8, kernel 3x3)")
            && e1.getMessage().contains("[2,1,28,28]"),
        e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(28, 28)));
    assertTrue(
        e2.getMessage().contains("[N, 3, H, W]") && e2.getMessage().contains("[28,28]"),
        e2.getMessage());
    var e3 =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Conv2d(3, 8, 5).forward(Tensor.zeros(1, 3, 4, 4)));
    assertTrue(
        e3.getMessage().contains("kernel spans 5x5") && e3.getMessage().contains("4x4"),
        e3.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 8, 3).stride(0));
    assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 8, 3).dilation(-1));
    var e4 = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 8, 3).groups(2));
    assertTrue(
        e4.getMessage().contains("groups 2 must divide both 3 input and 8 output channels"),
        e4.getMessage());
    var e5 =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BatchNorm2d(4).forward(Tensor.zeros(2, 3, 5, 5)));
    assertTrue(
        e5.getMessage().contains("BatchNorm2d(4)") && e5.getMessage().contains("[2,3,5,5]"),
        e5.getMessage());
  }

  @Test
  void maxPoolRoutesGradientToTheArgmaxAndUnpoolPutsValuesBack() {
    Tensor x =
        Tensor.of(new double[][] {{1, 5, 2, 0}, {3, 4, 8, 1}, {0, 0, 1, 1}, {9, 2, 1, 3}})
            .reshape(1, 1, 4, 4)
            .requiresGrad(true);
    var pool = new MaxPool2d(2);
    Tensor y = pool.forward(x);
    assertArrayEquals(new float[] {5, 8, 9, 3}, y.toFloatArray());
    assertArrayEquals(new int[] {1, 6, 12, 15}, pool.indices().toIntArray());
    y.sum().backward();
    assertArrayEquals(
        new float[] {0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1}, x.grad().toFloatArray());
    Tensor back = new MaxUnpool2d(2).forward(y, pool.indices());
    assertArrayEquals(
        new float[] {0, 5, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 9, 0, 0, 3}, back.toFloatArray());
  }

  @Test
  void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEval() {
    var bn = new BatchNorm2d(2);
    Tensor x = Tensor.randn(8, 2, 3, 3).mul(3).add(5);
    Tensor y = bn.forward(x);
    assertEquals(0, y.mean().item(), 1e-5);
    assertEquals(1, y.var(new int[] {0, 2, 3}, false, false).get(0), 1e-3);
    double mean = x.mean(new int[] {0, 2, 3}, false).get(0);
    assertEquals(0.1 * mean, bn.runningMean().get(0), 1e-5);
    bn.eval();
    Tensor z = bn.forward(x);
    assertTrue(
        z.mean().item() > 3,
        "eval uses the running mean (still near 0.1·μ), so outputs stay shifted");
  }

  @Test
  void dropoutScalesSurvivorsAndIsOffInEval() {
    Tensor.manualSeed(5);
    var drop = new Dropout(0.25);
    Tensor y = drop.forward(Tensor.ones(10000));
    double kept = y.gt(0).sum().item() / 10000;
    assertEquals(0.75, kept, 0.02);
    assertEquals(1 / 0.75, y.max().item(), 1e-6);
    assertEquals(1.0, y.mean().item(), 0.03);
    drop.eval();
    assertArrayEquals(Tensor.ones(5).toFloatArray(), drop.forward(Tensor.ones(5)).toFloatArray());
    Tensor channels = new Dropout2d(0.5).forward(Tensor.ones(4, 6, 3, 3));
    Tensor perChannel = channels.sum(new int[] {2, 3}, false);
    for (double v : perChannel.toDoubleArray())
      assertTrue(v == 0 || Math.abs(v - 18) < 1e-4, "whole channels dropped: " + v);
  }

  @Test
  void modelsHaveTheExpectedShapesAndSizes() {
    assertEquals(61_706, new LeNet5().parameterCount());
    assertArrayEquals(
        new int[] {2, 10}, new LeNet5().forward(Tensor.zeros(2, 1, 28, 28)).shape().toArray());
    assertArrayEquals(
        new int[] {3, 8, 4, 4},
        new BasicBlock(4, 8, 2).forward(Tensor.randn(3, 4, 8, 8)).shape().toArray());
    assertArrayEquals(
        new int[] {1, 16, 3, 3},
        new Bottleneck(8, 4, 2).forward(Tensor.randn(1, 8, 6, 6)).shape().toArray());
    var resnet20 = ResNet.small(1, 10, 3);
    assertArrayEquals(
        new int[] {2, 10}, resnet20.forward(Tensor.randn(2, 1, 28, 28)).shape().toArray());
    assertTrue(resnet20.toString().startsWith("ResNet-20"), resnet20.toString());
    assertEquals(
        11_689_512, ResNet.resnet18(3, 1000).parameterCount()); // the published ResNet-18 count
    assertArrayEquals(
        new int[] {2, 10},
        ConvNets.alexNetSmall(3, 32, 10)
            .eval()
            .forward(Tensor.randn(2, 3, 32, 32))
            .shape()
            .toArray());
    assertArrayEquals(
        new int[] {2, 10},
        ConvNets.vggSmall(1, 28, 10, 16, 32)
            .eval()
            .forward(Tensor.randn(2, 1, 28, 28))
            .shape()
            .toArray());
  }

  /**
   * Training must not depend on the thread count: each output element is summed by one thread in a
   * fixed order.
   */
  @Test
  void lenetTrainingIsBitIdenticalWithOneAndTwoThreads() {
    float[][] results = new float[2][];
    for (int run = 0; run < 2; run++) {
      var previous = Backends.use(new CpuBackend(run + 1));
      try {
        Tensor.manualSeed(11);
        var net = new LeNet5();
        var opt = new SGD(net.parameters(), 0.05).momentum(0.9);
        Tensor x = Tensor.rand(32, 1, 28, 28);
        float[] labels = new float[32];
        for (int i = 0; i < labels.length; i++) labels[i] = (i * 7) % 10;
        Tensor y = Tensor.fromArray(labels, 32);
        for (int step = 0; step < 3; step++) {
          opt.zeroGrad();
          new CrossEntropyLoss().forward(net.forward(x), y).backward();
          opt.step();
        }
        results[run] =
            Tensor.cat(0, net.parameters().stream().map(Tensor::flatten).toArray(Tensor[]::new))
                .toFloatArray();
      } finally {
        Backends.use(previous);
      }
    }
    assertArrayEquals(results[0], results[1]);
  }
}
