package dl.train;

/** Thrown when the loss becomes NaN or infinite; the message names the epoch and batch. */
public final class TrainingDivergedException extends IllegalStateException {
  public TrainingDivergedException(String message) {
    super(message);
  }
}
