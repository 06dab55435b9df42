package dl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.nn.CrossEntropyLoss;
import dl.nn.Linear;
import dl.nn.MSELoss;
import dl.nn.ReLU;
import dl.nn.SafeTensors;
import dl.nn.Sequential;
import dl.nn.Tanh;
import dl.optim.Adam;
import dl.optim.SGD;
import dl.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  static final Tensor XOR_X = Tensor.of(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
  static final Tensor XOR_Y = Tensor.of(0, 1, 1, 0);

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream());
  }

  @Test
  void oneHiddenLayerMlpFitsXor() {
    Tensor.manualSeed(1);
    var mlp = Sequential.of(new Linear(2, 8), new Tanh(), new Linear(8, 2));
    var history =
        new Trainer(mlp, new CrossEntropyLoss(), new Adam(mlp.parameters(), 0.05))
            .epochs(300)
            .batchSize(4)
            .printTo(quiet())
            .fit(XOR_X, XOR_Y);
    assertArrayEquals(new int[] {0, 1, 1, 0}, Metrics.predict(mlp, XOR_X, 4));
    assertEquals(1.0, history.last().accuracy());
    assertTrue(history.last().loss() < 0.05, "final loss " + history.last().loss());
  }

  @Test
  void historyTableHasKerasStyleColumnsAndValidation() {
    Tensor.manualSeed(2);
    var mlp = Sequential.of(new Linear(2, 4), new ReLU(), new Linear(4, 2));
    var h =
        new Trainer(mlp, new CrossEntropyLoss(), new SGD(mlp.parameters(), 0.1))
            .epochs(3)
            .batchSize(2)
            .validation(XOR_X, XOR_Y)
            .printTo(quiet())
            .fit(XOR_X, XOR_Y);
    assertEquals(
        List.of("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds"),
        h.table().columnNames());
    assertEquals(3, h.table().rowCount());
  }

  @Test
  void divergingLossStopsWithEpochAndBatchInTheMessage() {
    var model = Sequential.of(new Linear(1, 1));
    Tensor x = Tensor.of(new double[][] {{1}, {2}, {Double.NaN}, {4}});
    Tensor y = Tensor.of(new double[][] {{1}, {2}, {3}, {4}});
    var e =
        assertThrows(
            TrainingDivergedException.class,
            () ->
                new Trainer(model, new MSELoss(), new SGD(model.parameters(), 0.01))
                    .batchSize(1)
                    .printTo(quiet())
                    .fit(x, y));
    assertTrue(e.getMessage().matches("(?s).*epoch 1, batch \\d of 4.*"), e.getMessage());
  }

  @Test
  void earlyStoppingEndsWhenValidationStopsImproving() {
    Tensor.manualSeed(3);
    var model = Sequential.of(new Linear(2, 2));
    // Validation labels are the opposite of training labels: validation loss rises as training
    // fits.
    var h =
        new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.5))
            .epochs(50)
            .batchSize(4)
            .validation(XOR_X, Tensor.of(1, 1, 0, 0))
            .earlyStopping(2)
            .printTo(quiet())
            .fit(XOR_X, Tensor.of(0, 0, 1, 1));
    assertTrue(h.size() < 50, "ran " + h.size() + " epochs");
    assertTrue(h.stopReason().startsWith("early stopping"), h.stopReason());
  }

  @Test
  void mismatchedInputsAndTargetsAreRejected() {
    var model = Sequential.of(new Linear(2, 2));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.1))
                    .fit(Tensor.zeros(4, 2), Tensor.zeros(3)));
    assertTrue(e.getMessage().contains("[4,2]") && e.getMessage().contains("[3]"), e.getMessage());
  }

  @Test
  void confusionMatrixPrecisionAndRecallByHand() {
    var cm = ConfusionMatrix.of(new int[] {0, 1, 1, 2, 2, 2}, new int[] {0, 1, 2, 2, 2, 0}, 3);
    assertArrayEquals(new int[][] {{1, 0, 1}, {0, 1, 0}, {0, 1, 2}}, cm.counts());
    assertEquals(4.0 / 6, cm.accuracy(), 1e-12);
    assertEquals(2.0 / 3, cm.precision(2), 1e-12);
    assertEquals(0.5, cm.precision(1), 1e-12);
    assertEquals(2.0 / 3, cm.recall(2), 1e-12);
    assertEquals(3, cm.perClass().rowCount());
  }

  @Test
  void safetensorsRoundTripAndShapeCheck(@TempDir Path dir) throws Exception {
    Tensor.manualSeed(4);
    var a = Sequential.of(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    Path file = dir.resolve("mlp.safetensors");
    SafeTensors.save(a, file);
    byte[] bytes = Files.readAllBytes(file);
    long headerLength =
        java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    String header =
        new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(
        header.contains("\"0.weight\":{\"dtype\":\"F32\",\"shape\":[4,3],\"data_offsets\":[0,48]}"),
        header);
    assertEquals(8 + headerLength + 4 * (12 + 4 + 8 + 2), bytes.length);

    var b = Sequential.of(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    SafeTensors.load(b, file);
    Tensor x = Tensor.randn(5, 3);
    assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray());

    var wrong = Sequential.of(new Linear(3, 5), new ReLU(), new Linear(5, 2));
    var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.load(wrong, file));
    assertTrue(
        e.getMessage().contains("'0.weight': expected shape [5,3], got [4,3]"), e.getMessage());

    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    var t = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(file));
    assertTrue(t.getMessage().contains("does not fit"), t.getMessage());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary files left behind");
    }
  }

  @Test
  void quietTrainingPrintsNothingButStillRecordsHistory() {
    var captured = new ByteArrayOutputStream();
    var previous = System.out;
    System.setOut(new PrintStream(captured));
    try {
      var model = Sequential.of(new Linear(2, 2));
      var h =
          new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.1))
              .epochs(2)
              .batchSize(2)
              .quiet()
              .fit(XOR_X, XOR_Y);
      assertEquals(2, h.size());
    } finally {
      System.setOut(previous);
    }
    assertEquals("", captured.toString());
  }
}
