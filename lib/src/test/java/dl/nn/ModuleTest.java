package dl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {
  @Test
  void sequentialNamesParametersByPathInRegistrationOrder() {
    var mlp = Sequential.of(new Linear(784, 200), new ReLU(), new Linear(200, 10));
    assertEquals(
        List.of("0.weight", "0.bias", "2.weight", "2.bias"),
        List.copyOf(mlp.namedParameters().keySet()));
    assertEquals(784 * 200 + 200 + 200 * 10 + 10, mlp.parameterCount());
    assertArrayEquals(
        new int[] {200, 784}, mlp.namedParameters().get("0.weight").shape().toArray());
    assertTrue(mlp.parameters().stream().allMatch(Tensor::requiresGrad));
  }

  @Test
  void toStringShowsTheTreeWithParameterCounts() {
    var mlp = Sequential.of(new Linear(4, 3), new Tanh(), new Linear(3, 2, false));
    String s = mlp.toString();
    assertTrue(s.startsWith("Sequential  21 params total"), s);
    assertTrue(s.contains("(0) Linear(4 -> 3)  15 params"), s);
    assertTrue(s.contains("(2) Linear(3 -> 2, no bias)  6 params"), s);
  }

  @Test
  void trainAndEvalPropagateToChildren() {
    var mlp = Sequential.of(new Linear(2, 2), new ReLU());
    mlp.eval();
    assertFalse(mlp.get(0).isTraining());
    mlp.train();
    assertTrue(mlp.get(1).isTraining());
  }

  @Test
  void linearComputesXWTransposePlusB() {
    var layer = new Linear(2, 3);
    Map<String, Tensor> state = new LinkedHashMap<>();
    state.put("weight", Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}));
    state.put("bias", Tensor.of(0.5, -0.5, 1));
    layer.loadStateDict(state);
    Tensor y = layer.forward(Tensor.of(new double[][] {{1, 1}, {2, 0}}));
    assertArrayEquals(new float[] {3.5f, 6.5f, 12f, 2.5f, 5.5f, 11f}, y.toFloatArray());
  }

  @Test
  void loadStateDictListsEveryMismatch() {
    var layer = new Linear(2, 3);
    Map<String, Tensor> state = new LinkedHashMap<>();
    state.put("weight", Tensor.zeros(3, 4));
    state.put("extra", Tensor.zeros(1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> layer.loadStateDict(state));
    String m = e.getMessage();
    assertTrue(
        m.contains("'weight': expected shape [3,2], got [3,4]")
            && m.contains("missing 'bias'")
            && m.contains("unexpected 'extra'"),
        m);
  }

  @Test
  void linearRejectsWrongInputWidthNamingTheLayer() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Linear(784, 10).forward(Tensor.zeros(2, 28)));
    assertTrue(
        e.getMessage().contains("Linear(784 -> 10)") && e.getMessage().contains("[2,28]"),
        e.getMessage());
  }

  @Test
  void toFloat64ConvertsParametersAndLayersUseThem() {
    var layer = new Linear(3, 2);
    layer.to(DType.FLOAT64);
    assertEquals(DType.FLOAT64, layer.weight().dtype());
    assertEquals(DType.FLOAT64, layer.forward(Tensor.ones(1, 3).float64()).dtype());
    assertTrue(layer.weight().requiresGrad());
  }

  @Test
  void initialisersHaveTheirTheoreticalSpread() {
    Tensor.manualSeed(7);
    double std = Init.kaimingNormal(500, 400, 500).std().item();
    assertEquals(Math.sqrt(2.0 / 500), std, 0.002);
    Tensor u = Init.xavierUniform(300, 200, 200, 300);
    double bound = Math.sqrt(6.0 / 500);
    assertTrue(u.max().item() <= bound && u.min().item() >= -bound);
    assertEquals(bound / Math.sqrt(3), u.std().item(), 0.002); // std of U(−a, a) is a/√3
    Tensor.manualSeed(7);
    Tensor a = Init.kaimingUniform(10, 5, 10);
    Tensor.manualSeed(7);
    assertArrayEquals(a.toFloatArray(), Init.kaimingUniform(10, 5, 10).toFloatArray());
  }

  @Test
  void preluLearnsItsSlope() {
    var p = new PReLU();
    Tensor x = Tensor.of(-2, 3);
    p.forward(x).sum().backward();
    assertEquals(-2, p.slope().grad().item(), 1e-6); // d/da of a·x for x < 0 is x
    assertArrayEquals(new float[] {-0.5f, 3f}, p.forward(x).toFloatArray());
  }
}
