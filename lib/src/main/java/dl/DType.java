package dl;

/**
 * Element type of a tensor's storage.
 *
 * <p>Training runs in {@link #FLOAT32}; {@link #FLOAT64} exists for gradient checking and the
 * numerics lessons, where float32 rounding would hide the error we want to see. It lives in the
 * backend package because storage is the backend's business: the backend is the leaf every other
 * package builds on.
 */
public enum DType {
  FLOAT32("float32", 4),
  FLOAT64("float64", 8);

  private final String label;
  private final int bytes;

  DType(String label, int bytes) {
    this.label = label;
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }

  /** The type both operands are converted to before a binary op (float64 wins, as in PyTorch). */
  public static DType promote(DType a, DType b) {
    return (a == FLOAT64 || b == FLOAT64) ? FLOAT64 : FLOAT32;
  }

  @Override
  public String toString() {
    return label;
  }
}
