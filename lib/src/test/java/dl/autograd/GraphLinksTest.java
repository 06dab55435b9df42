package dl.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Only autograd writes a tensor's graph fields; nothing outside can register or reach the links.
 */
class GraphLinksTest {
  /** A stranger's links, as a student might write them to forge a grad_fn. */
  static final class Forged extends GraphLinks {
    @Override
    protected void attachGradFn(Tensor t, Function fn) {}

    @Override
    protected void markComputedUnderNoGrad(Tensor t) {}

    @Override
    protected void accumulateGrad(Tensor t, Tensor g, boolean owned) {}
  }

  @Test
  void onlyTensorMayRegisterAndOnlyOnce() {
    Tensor.scalar(1.0); // Tensor's class initialiser has registered its links
    var foreign =
        assertThrows(IllegalArgumentException.class, () -> GraphLinks.register(new Forged()));
    assertTrue(foreign.getMessage().contains("only dl.tensor.Tensor"), foreign.getMessage());
    assertEquals(Tensor.class, GraphLinks.get().getClass().getNestHost());
  }

  @Test
  void tensorHasNoPublicGraphWriters() {
    var names =
        Arrays.stream(Tensor.class.getMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()))
            .map(java.lang.reflect.Method::getName)
            .toList();
    for (String internal :
        new String[] {"attachGradFn", "accumulateGrad", "markComputedUnderNoGrad", "layout"})
      assertFalse(names.contains(internal), "Tensor." + internal + " is public");
  }

  @Test
  void theEngineStillRecordsAndAccumulates() {
    Tensor x = Tensor.scalar(3.0).requiresGrad(true);
    Tensor y = x.mul(x);
    assertEquals("Mul", y.gradFn().name());
    y.backward();
    assertEquals(6.0, x.grad().item(), 0);
    assertEquals("Tanh", x.tanh().gradFn().name()); // TanhOp shows its plain name
  }
}
