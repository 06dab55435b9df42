package dl.data;

/**
 * A data set could not be found, fetched, verified or parsed. The message names the file, what was
 * expected and what was found, and the command that fetches the data.
 */
public class DataException extends RuntimeException {
  /** An error with a message that says what to do. */
  public DataException(String message) {
    super(message);
  }

  /** An error with a message that says what to do, and the exception behind it. */
  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
