package dl.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.nn.CrossEntropyLoss;
import dl.nn.Linear;
import dl.nn.Module;
import dl.optim.SGD;
import dl.tensor.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Training loops that used to finish without a word while doing nothing useful. */
class QuietLoopsTest {
  private static Trainer trainer(Module model) {
    return new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.1))
        .printTo(TrainerTest.quiet());
  }

  @Test
  void anEmptyValidationSetIsRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> trainer(new Linear(2, 2)).validation(Tensor.zeros(0, 2), Tensor.zeros(0)));
    assertTrue(e.getMessage().contains("validation set is empty"), e.getMessage());
  }

  @Test
  void aValidationSetWithTheWrongFeatureCountFailsBeforeTheFirstEpoch() {
    AtomicInteger forwards = new AtomicInteger();
    Module model =
        new Module() {
          final Linear inner = child("inner", new Linear(2, 2));

          @Override
          public Tensor forward(Tensor x) {
            forwards.incrementAndGet();
            return inner.forward(x);
          }
        };
    var t = trainer(model).validation(Tensor.zeros(4, 3), Tensor.zeros(4));
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> t.fit(TrainerTest.XOR_X, TrainerTest.XOR_Y));
    assertTrue(e.getMessage().contains("validation inputs [4,3]"), e.getMessage());
    assertTrue(e.getMessage().contains("training inputs [4,2]"), e.getMessage());
    assertTrue(forwards.get() == 0, "no training before the check, got " + forwards + " forwards");
  }

  @Test
  void aNaNValidationLossIsNotReportedAsNotImproved() {
    Tensor xVal = Tensor.of(new double[][] {{Double.NaN, 0}, {1, 1}});
    var t = trainer(new Linear(2, 2)).epochs(5).earlyStopping(1).validation(xVal, Tensor.of(0, 1));
    var e =
        assertThrows(
            TrainingDivergedException.class, () -> t.fit(TrainerTest.XOR_X, TrainerTest.XOR_Y));
    assertTrue(e.getMessage().contains("validation loss is NaN after epoch 1"), e.getMessage());
  }

  @Test
  void aHugeBatchSizeIsOneBatch() {
    var h =
        trainer(new Linear(2, 2))
            .batchSize(Integer.MAX_VALUE)
            .fit(TrainerTest.XOR_X, TrainerTest.XOR_Y);
    assertTrue(Double.isFinite(h.last().loss()), "trained on one batch: " + h.last());
  }
}
