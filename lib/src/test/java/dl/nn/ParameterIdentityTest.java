package dl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.backend.Backend;
import dl.backend.cpu.CpuBackend;
import dl.optim.SGD;
import dl.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each parameter is one Tensor object for its whole life: converting, moving, loading or dropping
 * the bias never swaps it for another, so an optimizer built first keeps training the tensors the
 * layers compute with.
 */
class ParameterIdentityTest {

  /** A small net with every kind of layer that keeps a field pointing at a parameter or buffer. */
  private static Sequential smallNet() {
    return Sequential.of(
        new Conv2d(1, 2, 3).padding(1),
        new BatchNorm2d(2),
        new PReLU(2),
        new Flatten(),
        new Linear(2 * 4 * 4, 3));
  }

  /** One SGD step with an optimizer built before {@code change}; every parameter must move. */
  private static void optimizerBuiltBeforeKeepsTraining(
      String what, Sequential net, Consumer<Sequential> change, DType inputType) {
    var opt = new SGD(net.parameters(), 0.1);
    List<Tensor> before = net.parameters();
    change.accept(net);
    List<Tensor> after = net.parameters();
    assertEquals(before.size(), after.size(), what);
    for (int i = 0; i < before.size(); i++)
      assertSame(before.get(i), after.get(i), what + ": parameter " + i + " was replaced");

    Map<String, double[]> start = new LinkedHashMap<>();
    net.namedParameters().forEach((k, p) -> start.put(k, p.toDoubleArray()));
    Tensor.manualSeed(3);
    Tensor x = Tensor.randn(4, 1, 4, 4).to(inputType).to(after.get(0).device());
    opt.zeroGrad();
    net.forward(x).pow(2).sum().backward();
    opt.step();
    net.namedParameters()
        .forEach(
            (k, p) ->
                assertFalse(
                    java.util.Arrays.equals(start.get(k), p.toDoubleArray()),
                    what + ": the optimizer did not move '" + k + "', the tensor the layer uses"));
  }

  @Test
  void toFloat64ConvertsInPlaceSoAnOptimizerBuiltBeforeKeepsTraining() {
    Tensor.manualSeed(1);
    optimizerBuiltBeforeKeepsTraining(
        "to(FLOAT64)", smallNet(), n -> n.to(DType.FLOAT64), DType.FLOAT64);
  }

  @Test
  void toFloat64KeepsLayerFieldsParametersAndBuffersTheSameObjects() {
    var conv = new Conv2d(1, 2, 3);
    var lin = new Linear(3, 2);
    var bn = new BatchNorm2d(2);
    var prelu = new PReLU(2);
    var net = Sequential.of(conv, bn, prelu, new Flatten(), lin);
    Map<String, Tensor> state = net.stateDict();
    net.to(DType.FLOAT64);
    for (var e : net.stateDict().entrySet()) {
      assertSame(state.get(e.getKey()), e.getValue(), e.getKey());
      assertEquals(DType.FLOAT64, e.getValue().dtype(), e.getKey());
    }
    assertTrue(conv.weight().requiresGrad());
    assertSame(net.namedParameters().get("0.weight"), conv.weight());
    assertSame(net.namedParameters().get("0.bias"), conv.bias());
    assertSame(net.stateDict().get("1.running_mean"), bn.runningMean());
    assertSame(net.namedParameters().get("2.weight"), prelu.slope());
    assertSame(net.namedParameters().get("4.weight"), lin.weight());
    // and back again: float32 values that went through float64 come back unchanged
    float[] w = net.namedParameters().get("4.weight").toFloatArray();
    net.to(DType.FLOAT32);
    assertEquals(DType.FLOAT32, lin.weight().dtype());
    assertArrayEquals(w, lin.weight().toFloatArray());
  }

  @Test
  void toFloat64ConvertsAGradientAlreadyThere() {
    var lin = new Linear(2, 1);
    lin.forward(Tensor.ones(1, 2)).sum().backward();
    lin.to(DType.FLOAT64);
    assertEquals(DType.FLOAT64, lin.weight().grad().dtype());
    assertArrayEquals(new double[] {1, 1}, lin.weight().grad().toDoubleArray());
  }

  @Test
  void toAnotherBackendKeepsIdentitySoAnOptimizerBuiltBeforeKeepsTraining() {
    Backend other = new CpuBackend(1); // a second CPU "device": tensors must be moved onto it
    Tensor.manualSeed(1);
    optimizerBuiltBeforeKeepsTraining(
        "to(backend)",
        smallNet(),
        n -> {
          n.to(other);
          n.parameters().forEach(p -> assertSame(other, p.device()));
        },
        DType.FLOAT32);
  }

  @Test
  void loadStateDictCopiesIntoTheSameTensors() {
    Tensor.manualSeed(1);
    Map<String, Tensor> saved = new LinkedHashMap<>();
    smallNet().stateDict().forEach((k, v) -> saved.put(k, v.copy()));
    Tensor.manualSeed(2);
    Sequential net = smallNet();
    optimizerBuiltBeforeKeepsTraining(
        "loadStateDict",
        net,
        n -> {
          n.loadStateDict(saved);
          n.stateDict()
              .forEach(
                  (k, v) -> assertArrayEquals(saved.get(k).toFloatArray(), v.toFloatArray(), k));
        },
        DType.FLOAT32);
  }

  @Test
  void biasFalseKeepsTheWeightSoAnOptimizerBuiltBeforeKeepsTrainingIt() {
    var conv = new Conv2d(1, 2, 3);
    Tensor w = conv.weight();
    var opt = new SGD(conv.parameters(), 0.1);
    conv.bias(false);
    assertSame(w, conv.weight());
    assertNull(conv.bias());
    assertEquals(List.of("weight"), List.copyOf(conv.namedParameters().keySet()));
    float[] start = w.toFloatArray();
    opt.zeroGrad();
    conv.forward(Tensor.ones(1, 1, 3, 3)).sum().backward();
    opt.step();
    assertFalse(java.util.Arrays.equals(start, conv.weight().toFloatArray()));
  }

  /** The weights, then the next random numbers, after building a layer from seed 42. */
  private static List<float[]> drawsAfter(java.util.function.Supplier<Module> build) {
    Tensor.manualSeed(42);
    Module m = build.get();
    List<float[]> out = new ArrayList<>();
    out.add(m.namedParameters().get("weight").toFloatArray());
    out.add(Tensor.randn(8).toFloatArray()); // the stream goes on where the layer left it
    return out;
  }

  private static void assertSameDraws(List<float[]> expected, List<float[]> actual, String what) {
    assertArrayEquals(expected.get(0), actual.get(0), what + ": weights");
    assertArrayEquals(expected.get(1), actual.get(1), what + ": the next random draw");
  }

  @Test
  void biasFalseDrawsTheWeightsOnceLikeTheLayerWithBias() {
    var withBias = drawsAfter(() -> new Conv2d(3, 4, 3));
    assertSameDraws(withBias, drawsAfter(() -> new Conv2d(3, 4, 3).bias(false)), "bias(false)");
    assertSameDraws(
        withBias, drawsAfter(() -> new Conv2d(3, 4, 3, false)), "Conv2d(3, 4, 3, false)");
    assertSameDraws(
        withBias,
        drawsAfter(() -> new Conv2d(3, 4, 3, Conv2d.options().bias(false))),
        "options().bias(false)");
    var transposed = drawsAfter(() -> new ConvTranspose2d(3, 4, 3));
    assertSameDraws(
        transposed, drawsAfter(() -> new ConvTranspose2d(3, 4, 3).bias(false)), "transposed");
    assertSameDraws(
        transposed,
        drawsAfter(() -> new ConvTranspose2d(3, 4, 3, Conv2d.options().bias(false))),
        "transposed, options");
  }

  @Test
  void biasTrueOnALayerWithBiasChangesNothing() {
    var conv = new Conv2d(1, 2, 3);
    Tensor b = conv.bias();
    assertSame(b, conv.bias(true).bias());
    conv.bias(false).bias(true); // a bias removed and put back starts again at zero
    assertEquals(List.of("weight", "bias"), List.copyOf(conv.namedParameters().keySet()));
    assertArrayEquals(new float[] {0, 0}, conv.bias().toFloatArray());
    conv.to(DType.FLOAT64);
    conv.bias(false).bias(true); // and has the weight's type
    assertEquals(DType.FLOAT64, conv.bias().dtype());
    assertTrue(conv.bias().requiresGrad());
  }

  @Test
  void groupsGivenAtConstructionDrawTheGroupedWeightOnce() {
    Tensor.manualSeed(42);
    float[] direct = Init.kaimingUniform(3 * 3, 4, 1, 3, 3).toFloatArray();
    float[] next = Tensor.randn(8).toFloatArray();
    assertSameDraws(
        List.of(direct, next),
        drawsAfter(() -> new Conv2d(4, 4, 3, Conv2d.options().groups(4))),
        "groups at construction");
    var depthwise = new Conv2d(4, 4, 3, Conv2d.options().groups(4).bias(false));
    assertEquals(4 * 9, depthwise.parameterCount());
    assertTrue(depthwise.toString().contains("groups 4, no bias"), depthwise.toString());
  }

  @Test
  @SuppressWarnings("deprecation")
  void theDeprecatedGroupsSetterStillGivesTheSameLayer() {
    var fluent = new Conv2d(4, 8, 3).groups(2);
    var built = new Conv2d(4, 8, 3, Conv2d.options().groups(2));
    assertEquals(built.toString(), fluent.toString());
    assertArrayEquals(new int[] {8, 2, 3, 3}, fluent.weight().shape().toArray()); // C_in/groups = 2
    assertArrayEquals(built.weight().shape().toArray(), fluent.weight().shape().toArray());
    assertEquals(List.of("weight", "bias"), List.copyOf(fluent.namedParameters().keySet()));
  }

  @Test
  void badOptionsNameTheLayer() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> new Conv2d(3, 8, 3, Conv2d.options().groups(2)));
    assertTrue(
        e.getMessage().contains("Conv2d: groups 2 must divide both 3 input"), e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> Conv2d.options().groups(0));
    assertTrue(e2.getMessage().contains("groups must be positive, got 0"), e2.getMessage());
    var e3 =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConvTranspose2d(4, 6, 3, Conv2d.options().groups(4)));
    assertTrue(e3.getMessage().contains("ConvTranspose2d: groups 4"), e3.getMessage());
  }
}
