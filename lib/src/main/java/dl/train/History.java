package dl.train;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * What happened in each epoch: training loss and accuracy, validation loss and accuracy (NaN
 * without a validation set), learning rate and seconds. {@link #table()} gives it as a Tablesaw
 * table with Keras-style column names, which the plotting helpers read.
 */
public final class History {
  /** One epoch's numbers. */
  public record Epoch(
      int epoch,
      double loss,
      double accuracy,
      double valLoss,
      double valAccuracy,
      double lr,
      double seconds) {}

  private final List<Epoch> epochs = new ArrayList<>();
  private String stopReason = "";

  void add(Epoch e) {
    epochs.add(e);
  }

  void stopReason(String reason) {
    stopReason = reason;
  }

  /** Why training ended early, or "" if it ran every epoch. */
  public String stopReason() {
    return stopReason;
  }

  public List<Epoch> epochs() {
    return List.copyOf(epochs);
  }

  public int size() {
    return epochs.size();
  }

  /** The last epoch's numbers. */
  public Epoch last() {
    if (epochs.isEmpty()) throw new IllegalStateException("History: no epoch has finished yet");
    return epochs.get(epochs.size() - 1);
  }

  /** Columns epoch, loss, accuracy, val_loss, val_accuracy, lr, seconds. */
  public Table table() {
    int n = epochs.size();
    IntColumn epoch = IntColumn.create("epoch", n);
    DoubleColumn loss = DoubleColumn.create("loss", n), acc = DoubleColumn.create("accuracy", n);
    DoubleColumn valLoss = DoubleColumn.create("val_loss", n),
        valAcc = DoubleColumn.create("val_accuracy", n);
    DoubleColumn lr = DoubleColumn.create("lr", n), seconds = DoubleColumn.create("seconds", n);
    for (int i = 0; i < n; i++) {
      Epoch e = epochs.get(i);
      epoch.set(i, e.epoch());
      loss.set(i, e.loss());
      acc.set(i, e.accuracy());
      valLoss.set(i, e.valLoss());
      valAcc.set(i, e.valAccuracy());
      lr.set(i, e.lr());
      seconds.set(i, e.seconds());
    }
    Table t = Table.create("history", epoch, loss, acc);
    if (epochs.stream().anyMatch(e -> !Double.isNaN(e.valLoss()))) t.addColumns(valLoss, valAcc);
    return t.addColumns(lr, seconds);
  }

  @Override
  public String toString() {
    return table().printAll();
  }
}
