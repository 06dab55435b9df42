package dl.optim;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every setting that would turn weights into NaN or ∞ is refused where it is set, with the rule and
 * the value in the message (they used to be accepted and ruin training steps later).
 */
class OptimizerSettingsTest {
  private static List<Tensor> params() {
    return List.of(Tensor.of(1, 2).requiresGrad(true));
  }

  private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

  static Stream<Arguments> badSettings() {
    return Stream.of(
        bad(
            "SGD lr NaN",
            "learning rate must be finite and > 0, got NaN",
            () -> new SGD(params(), NAN)),
        bad(
            "SGD lr ∞",
            "learning rate must be finite and > 0, got Infinity",
            () -> new SGD(params(), INF)),
        bad(
            "SGD lr(∞)",
            "must be finite and >= 0, got Infinity",
            () -> new SGD(params(), 0.1).lr(INF)),
        bad("SGD lr(NaN)", "got NaN", () -> new SGD(params(), 0.1).lr(NAN)),
        bad(
            "SGD momentum NaN",
            "momentum must be in [0, 1), got NaN",
            () -> new SGD(params(), 0.1).momentum(NAN)),
        bad(
            "SGD weightDecay NaN",
            "weight decay must be finite and >= 0, got NaN",
            () -> new SGD(params(), 0.1).weightDecay(NAN)),
        bad("SGD weightDecay -1", "got -1.0", () -> new SGD(params(), 0.1).weightDecay(-1)),
        bad("SGD weightDecay ∞", "got Infinity", () -> new SGD(params(), 0.1).weightDecay(INF)),
        bad(
            "Adam eps 0",
            "eps must be finite and > 0, got 0.0",
            () -> new Adam(params(), 0.1).eps(0)),
        bad("Adam eps -1", "got -1.0", () -> new Adam(params(), 0.1).eps(-1)),
        bad("Adam eps NaN", "got NaN", () -> new Adam(params(), 0.1).eps(NAN)),
        bad(
            "Adam betas NaN",
            "beta1 must be in [0, 1), got NaN",
            () -> new Adam(params(), 0.1).betas(NAN, 0.9)),
        bad(
            "Adam beta2 1",
            "beta2 must be in [0, 1), got 1.0",
            () -> new Adam(params(), 0.1).betas(0.9, 1)),
        bad(
            "Adam weightDecay -1",
            "weight decay must be finite and >= 0, got -1.0",
            () -> new Adam(params(), 0.1).weightDecay(-1)),
        bad("Adam weightDecay NaN", "got NaN", () -> new Adam(params(), 0.1).weightDecay(NAN)),
        bad(
            "RMSProp eps 0",
            "eps must be finite and > 0, got 0.0",
            () -> new RMSProp(params(), 0.1).eps(0)),
        bad(
            "RMSProp alpha NaN",
            "alpha must be in [0, 1), got NaN",
            () -> new RMSProp(params(), 0.1).alpha(NAN)),
        bad("RMSProp weightDecay -1", "got -1.0", () -> new RMSProp(params(), 0.1).weightDecay(-1)),
        bad(
            "StepLR gamma NaN",
            "gamma must be finite and > 0, got NaN",
            () -> new StepLR(new SGD(params(), 0.1), 2, NAN)),
        bad("StepLR gamma 0", "got 0.0", () -> new StepLR(new SGD(params(), 0.1), 2, 0)),
        bad(
            "Cosine minLr NaN",
            "minLr must be finite and >= 0, got NaN",
            () -> new CosineAnnealingLR(new SGD(params(), 0.1), 5, NAN)),
        bad(
            "Cosine minLr -1",
            "got -1.0",
            () -> new CosineAnnealingLR(new SGD(params(), 0.1), 5, -1)));
  }

  private static Arguments bad(String name, String message, Runnable setting) {
    return Arguments.of(name, message, setting);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSettings")
  void isRefusedWithTheRuleAndTheValue(String name, String message, Runnable setting) {
    var e = assertThrows(IllegalArgumentException.class, setting::run, name);
    assertTrue(e.getMessage().contains(message), name + ": " + e.getMessage());
  }

  static Stream<Arguments> goodSettings() {
    return Stream.of(
        Arguments.of((Consumer<List<Tensor>>) p -> new SGD(p, 0.1).momentum(0).weightDecay(0)),
        Arguments.of((Consumer<List<Tensor>>) p -> new SGD(p, 0.1).lr(0)),
        Arguments.of((Consumer<List<Tensor>>) p -> new Adam(p, 1e-3).betas(0, 0.999).eps(1e-12)),
        Arguments.of((Consumer<List<Tensor>>) p -> new RMSProp(p, 1e-3).alpha(0).eps(1e-8)),
        Arguments.of((Consumer<List<Tensor>>) p -> new StepLR(new SGD(p, 0.1), 1, 1.5)));
  }

  @ParameterizedTest
  @MethodSource("goodSettings")
  void edgeValuesThatAreFineStayFine(Consumer<List<Tensor>> setting) {
    assertDoesNotThrow(() -> setting.accept(params()));
  }
}
