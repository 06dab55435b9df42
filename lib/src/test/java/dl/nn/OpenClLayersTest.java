package dl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.backend.Backend;
import dl.backend.Backends;
import dl.backend.opencl.OpenClBackend;
import dl.backend.opencl.OpenClTests;
import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.optim.SGD;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Layers and whole models on the OpenCL backend against the CPU backend, on shapes that are not
 * multiples of any work-group size (1×3×29×31, odd channel counts, batch 1). The models are moved
 * with {@code model.to(device)} while new tensors are still created on the CPU, the way a notebook
 * does it.
 */
@Tag("opencl")
class OpenClLayersTest {
  private static final double TOLERANCE = 1e-4;

  /** Runs {@code layer} on x (forward, then backward with a fixed upstream) on one backend. */
  private static List<float[]> forwardBackward(Module layer, Tensor x, Backend device) {
    layer.to(device);
    Tensor input = x.copy().to(device).requiresGrad(true);
    Tensor out = layer.forward(input);
    assertSame(device, out.device(), layer + " left the device");
    Tensor upstream = Tensor.randn(new Rng(7), out.shape().toArray()).to(device);
    out.backward(upstream);
    List<float[]> r = new ArrayList<>();
    r.add(out.toFloatArray());
    r.add(input.grad().toFloatArray());
    for (Tensor p : layer.parameters()) r.add(p.grad().toFloatArray());
    layer.to(Backends.cpu());
    layer.zeroGrad();
    return r;
  }

  private static void assertParity(String what, Supplier<Module> make, int... inputShape) {
    OpenClBackend cl = OpenClTests.device();
    Tensor.manualSeed(42);
    Module layer = make.get();
    Tensor x = Tensor.randn(new Rng(3), inputShape);
    List<float[]> cpu = forwardBackward(layer, x, Backends.cpu());
    List<float[]> gpu = forwardBackward(layer, x, cl);
    for (int k = 0; k < cpu.size(); k++)
      assertClose(what + (k == 0 ? " output" : " grad " + k), cpu.get(k), gpu.get(k));
  }

  private static void assertClose(String what, float[] expected, float[] got) {
    assertEquals(expected.length, got.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertTrue(
          Math.abs(got[i] - expected[i]) <= TOLERANCE * Math.max(1, Math.abs(expected[i])),
          what + ": element " + i + " opencl " + got[i] + " cpu " + expected[i]);
    }
  }

  @Test
  void conv2dOnOddShapesMatchesTheCpu() {
    assertParity("conv 3→5 k3", () -> new Conv2d(3, 5, 3), 1, 3, 29, 31);
    assertParity(
        "conv stride 2 pad 1", () -> new Conv2d(3, 7, 3).stride(2).padding(1), 2, 3, 29, 31);
    assertParity(
        "conv dilation 2, 5x3 kernel", () -> new Conv2d(3, 5, 5, 3).dilation(2), 1, 3, 29, 31);
    assertParity("conv groups 3", () -> new Conv2d(3, 9, 3).groups(3).padding(1), 1, 3, 29, 31);
  }

  @Test
  void poolingAndBatchNormMatchTheCpu() {
    assertParity("maxPool 2", () -> new MaxPool2d(2), 1, 3, 29, 31);
    assertParity(
        "maxPool 3 stride 2 pad 1", () -> new MaxPool2d(3).stride(2).padding(1), 2, 5, 29, 31);
    assertParity(
        "avgPool 3 stride 2 pad 1", () -> new AvgPool2d(3).stride(2).padding(1), 1, 3, 29, 31);
    assertParity("batchNorm2d", () -> new BatchNorm2d(5), 3, 5, 29, 31);
    assertParity("linear", () -> new Linear(31, 13), 3, 29, 31);
  }

  @Test
  void residualNetworkMatchesTheCpu() {
    assertParity("ResNet.small", () -> ResNet.small(1, 10, 1), 2, 1, 28, 28);
  }

  /** A few SGD steps of LeNet-5 from the same weights on the same batches: one loss curve. */
  @Test
  void lenetTrainingGivesTheSameLossCurveOnBothBackends() {
    OpenClBackend cl = OpenClTests.device();
    double[] cpu = lenetLosses(Backends.cpu()), gpu = lenetLosses(cl);
    for (int i = 0; i < cpu.length; i++)
      assertEquals(cpu[i], gpu[i], 1e-3 * Math.max(1, cpu[i]), "loss at step " + i);
    assertTrue(cpu[cpu.length - 1] < cpu[0], "the loss went down");
  }

  private static double[] lenetLosses(Backend device) {
    Tensor.manualSeed(1);
    var model = new LeNet5();
    var opt = new SGD(model.parameters(), 0.05).momentum(0.9);
    model.to(device); // after the optimizer: the parameters keep their identity
    var loss = new CrossEntropyLoss();
    Rng data = new Rng(5);
    double[] losses = new double[6];
    for (int step = 0; step < losses.length; step++) {
      Tensor x = Tensor.randn(data, 16, 1, 28, 28).to(device);
      float[] labels = new float[16];
      for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
      Tensor y = Tensor.fromArray(labels, 16).to(device);
      opt.zeroGrad();
      Tensor l = loss.forward(model.forward(x), y);
      l.backward();
      opt.step();
      losses[step] = l.item();
      assertSame(device, model.parameters().get(0).device());
    }
    return losses;
  }

  @Test
  void mixingDevicesNamesBoth() {
    OpenClBackend cl = OpenClTests.device();
    Tensor a = Tensor.ones(3).to(Backends.cpu()), b = Tensor.ones(3).to(cl);
    var e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
    assertTrue(
        e.getMessage().contains("cpu") && e.getMessage().contains(cl.name()), e.getMessage());
  }

  @Test
  void movingAModuleKeepsParameterIdentityAndValues() {
    OpenClBackend cl = OpenClTests.device();
    var layer = new Linear(4, 3);
    Tensor w = layer.parameters().get(0);
    float[] before = w.toFloatArray();
    layer.to(cl);
    assertSame(w, layer.parameters().get(0));
    assertSame(cl, w.device());
    assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(w.toFloatArray()));
    assertTrue(Backends.info().contains("OpenCL devices"), Backends.info());
  }
}
