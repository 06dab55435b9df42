package dl.train;

import dl.Check;
import dl.autograd.NoGrad;
import dl.nn.Loss;
import dl.nn.Module;
import dl.optim.LrScheduler;
import dl.optim.Optimizer;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The course's training loop, so notebooks can focus on the model:
 *
 * <pre>{@code
 * var history = new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.1))
 *     .epochs(10).batchSize(64).validation(xVal, yVal)
 *     .fit(xTrain, yTrain);
 * }</pre>
 *
 * Each epoch shuffles with a seeded generator, runs forward → loss → backward → step over
 * mini-batches, then evaluates on the validation set. Classification accuracy is reported when the
 * model outputs scores [N, C] for class-index targets [N].
 */
public final class Trainer {
  private final Module model;
  private final Loss loss;
  private final Optimizer optimizer;
  private int epochs = 1;
  private int batchSize = 32;
  private long seed = 0;
  private boolean dropLast;
  private Tensor xVal, yVal;
  private int patience;
  private LrScheduler scheduler;
  private UnaryOperator<Tensor> transform;
  private PrintStream out = System.out;
  private boolean progress = true;

  public Trainer(Module model, Loss loss, Optimizer optimizer) {
    this.model = model;
    this.loss = loss;
    this.optimizer = optimizer;
  }

  public Trainer epochs(int n) {
    if (n <= 0) throw new IllegalArgumentException("Trainer: epochs must be positive, got " + n);
    epochs = n;
    return this;
  }

  public Trainer batchSize(int n) {
    if (n <= 0)
      throw new IllegalArgumentException("Trainer: batch size must be positive, got " + n);
    batchSize = n;
    return this;
  }

  /** Seed of the shuffling generator (the same seed gives the same batches). */
  public Trainer seed(long s) {
    seed = s;
    return this;
  }

  /** Skip the last, smaller batch of each epoch. */
  public Trainer dropLast(boolean on) {
    dropLast = on;
    return this;
  }

  /** Data evaluated after every epoch; it is never trained on. */
  public Trainer validation(Tensor x, Tensor y) {
    checkPair("validation", x, y);
    if (x.size(0) == 0)
      throw Check.badArgument(
          "Trainer.validation", "the validation set is empty (inputs %s)", x.shape());
    xVal = x;
    yVal = y;
    return this;
  }

  /** Stop when the validation loss has not improved for {@code epochs} epochs (0 = never). */
  public Trainer earlyStopping(int epochs) {
    patience = epochs;
    return this;
  }

  /** A learning-rate schedule, stepped once per epoch. */
  public Trainer scheduler(LrScheduler s) {
    scheduler = s;
    return this;
  }

  /** Applied to each training batch's inputs (data augmentation); not to validation data. */
  public Trainer transform(UnaryOperator<Tensor> t) {
    transform = t;
    return this;
  }

  /**
   * Where progress goes (System.out by default); {@code progress(false)} prints one line per epoch
   * only.
   */
  public Trainer progress(boolean live) {
    progress = live;
    return this;
  }

  public Trainer printTo(PrintStream stream) {
    out = stream;
    return this;
  }

  /** Prints nothing (for notebooks that train many models and show a summary instead). */
  public Trainer quiet() {
    return printTo(new PrintStream(java.io.OutputStream.nullOutputStream()));
  }

  private static void checkPair(String what, Tensor x, Tensor y) {
    if (x.dim() == 0 || y.dim() == 0 || x.size(0) != y.size(0)) {
      throw Check.badArgument(
          "Trainer." + what,
          "inputs %s and targets %s must have the same number of samples (axis 0)",
          x.shape(),
          y.shape());
    }
  }

  /**
   * Validation data must look like the training data sample for sample: checked before the first
   * epoch, not after it.
   */
  private void checkValidationFits(Tensor x, Tensor y) {
    checkSampleShape("inputs", x, xVal);
    checkSampleShape("targets", y, yVal);
  }

  private static void checkSampleShape(String what, Tensor train, Tensor val) {
    int[] ts = train.shape().toArray(), vs = val.shape().toArray();
    if (!Arrays.equals(ts, 1, ts.length, vs, 1, vs.length)) {
      throw Check.badArgument(
          "Trainer.fit",
          "validation %s %s do not match the training %s %s after axis 0 (each sample must have the same shape)",
          what,
          val.shape(),
          what,
          train.shape());
    }
  }

  /** Trains on (x, y) and returns the per-epoch history. */
  public History fit(Tensor x, Tensor y) {
    checkPair("fit", x, y);
    int n = x.size(0);
    if (n == 0) throw new IllegalArgumentException("Trainer.fit: no training samples");
    int batches = n / batchSize + (!dropLast && n % batchSize != 0 ? 1 : 0); // no int overflow
    if (xVal != null) checkValidationFits(x, y);
    if (batches == 0)
      throw Check.badArgument("Trainer.fit", "%s samples make no full batch of %s", n, batchSize);
    Rng rng = new Rng(seed);
    History history = new History();
    double bestVal = Double.POSITIVE_INFINITY;
    int sinceBest = 0;
    for (int epoch = 1; epoch <= epochs; epoch++) {
      long start = System.nanoTime();
      model.train();
      int[] order = rng.permutation(n);
      double lossSum = 0;
      int seen = 0, right = 0;
      boolean classify = false;
      for (int b = 0; b < batches; b++) {
        int from = b * batchSize, to = (int) Math.min(n, (long) from + batchSize);
        int[] idx = java.util.Arrays.copyOfRange(order, from, to);
        Tensor xb = x.indexSelect(0, idx), yb = y.indexSelect(0, idx);
        if (transform != null) xb = transform.apply(xb);
        optimizer.zeroGrad();
        Tensor pred = model.forward(xb);
        Tensor l = loss.forward(pred, yb);
        double value = l.item();
        if (!Double.isFinite(value)) {
          throw new TrainingDivergedException(
              String.format(
                  Locale.ROOT,
                  "training diverged: loss is %s at epoch %d, batch %d of %d (learning rate %g); try a smaller learning rate or check the inputs for NaN",
                  value,
                  epoch,
                  b + 1,
                  batches,
                  optimizer.lr()));
        }
        l.backward();
        optimizer.step();
        lossSum += value * (to - from);
        seen += to - from;
        classify = isClassification(pred, yb);
        if (classify) right += correct(pred, yb);
        if (progress && (b + 1 == batches || (b + 1) % Math.max(1, batches / 20) == 0)) {
          out.print(
              "\r"
                  + bar(
                      epoch,
                      b + 1,
                      batches,
                      lossSum / seen,
                      classify ? (double) right / seen : Double.NaN));
          out.flush();
        }
      }
      double trainLoss = lossSum / seen, trainAcc = classify ? (double) right / seen : Double.NaN;
      double valLoss = Double.NaN, valAcc = Double.NaN;
      if (xVal != null) {
        double[] v = evaluate(xVal, yVal);
        valLoss = v[0];
        valAcc = v[1];
        if (!Double.isFinite(valLoss)) {
          throw new TrainingDivergedException(
              String.format(
                  Locale.ROOT,
                  "validation loss is %s after epoch %d (training loss %.4f); the model diverges on the validation data, or its inputs contain NaN or infinity",
                  valLoss,
                  epoch,
                  trainLoss));
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      history.add(
          new History.Epoch(epoch, trainLoss, trainAcc, valLoss, valAcc, optimizer.lr(), seconds));
      out.print(
          (progress ? "\r" : "")
              + summary(epoch, trainLoss, trainAcc, valLoss, valAcc, seconds)
              + System.lineSeparator());
      out.flush();
      if (scheduler != null) scheduler.step();
      if (patience > 0 && xVal != null) {
        if (valLoss < bestVal) {
          bestVal = valLoss;
          sinceBest = 0;
        } else if (++sinceBest >= patience) {
          history.stopReason(
              "early stopping: validation loss has not improved for "
                  + patience
                  + " epochs (best "
                  + bestVal
                  + ")");
          out.println(history.stopReason());
          break;
        }
      }
    }
    return history;
  }

  /** Mean loss and accuracy (NaN if not classification) on (x, y), in eval mode. */
  public double[] evaluate(Tensor x, Tensor y) {
    boolean wasTraining = model.isTraining();
    model.eval();
    try (NoGrad scope = NoGrad.enter()) {
      int n = x.size(0);
      if (n == 0) throw new IllegalArgumentException("Trainer.evaluate: no samples");
      double lossSum = 0;
      int right = 0;
      boolean classify = false;
      for (int from = 0; from < n; from += 1000) {
        int to = Math.min(n, from + 1000);
        Tensor xb = x.slice(0, from, to), yb = y.slice(0, from, to);
        Tensor pred = model.forward(xb);
        lossSum += loss.forward(pred, yb).item() * (to - from);
        classify = isClassification(pred, yb);
        if (classify) right += correct(pred, yb);
      }
      return new double[] {lossSum / n, classify ? (double) right / n : Double.NaN};
    } finally {
      model.train(wasTraining);
    }
  }

  private static boolean isClassification(Tensor pred, Tensor y) {
    return pred.dim() == 2 && y.dim() == 1 && pred.size(1) > 1;
  }

  private static int correct(Tensor pred, Tensor y) {
    return (int) pred.argmax(1).eq(y.to(pred.dtype())).sum().item();
  }

  private String bar(int epoch, int done, int total, double loss, double acc) {
    int width = 24, filled = (int) Math.round((double) width * done / total);
    String accText = Double.isNaN(acc) ? "" : String.format(Locale.ROOT, " acc %.4f", acc);
    return String.format(
        Locale.ROOT,
        "epoch %d/%d [%s%s] %d/%d loss %.4f%s",
        epoch,
        epochs,
        "=".repeat(filled),
        " ".repeat(width - filled),
        done,
        total,
        loss,
        accText);
  }

  private String summary(
      int epoch, double loss, double acc, double valLoss, double valAcc, double seconds) {
    StringBuilder sb =
        new StringBuilder(
            String.format(Locale.ROOT, "epoch %d/%d  loss %.4f", epoch, epochs, loss));
    if (!Double.isNaN(acc)) sb.append(String.format(Locale.ROOT, "  acc %.4f", acc));
    if (!Double.isNaN(valLoss)) sb.append(String.format(Locale.ROOT, "  val_loss %.4f", valLoss));
    if (!Double.isNaN(valAcc)) sb.append(String.format(Locale.ROOT, "  val_acc %.4f", valAcc));
    sb.append(String.format(Locale.ROOT, "  (%.1f s)", seconds));
    // Pad so a shorter summary fully overwrites the progress bar it replaces.
    return String.format("%-72s", sb);
  }
}
