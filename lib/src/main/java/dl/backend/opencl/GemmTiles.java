package dl.backend.opencl;

import dl.Check;

/**
 * The tile sizes of gemm.cl, from {@code -Ddl.opencl.gemm=TS,WPT,TK}: a work-group computes a TS×TS
 * tile of the product with (TS/WPT)² work-items, each computing WPT×WPT outputs, walking K in
 * slices of TK. The kernel requires exactly 16×16 work-items, so TS / WPT must be 16.
 */
record GemmTiles(int ts, int wpt, int tk) {
  /** Work-items per tile edge the kernel is written for ({@code RTS} in gemm.cl). */
  static final int THREADS = 16;

  /** {@code -D} options for the kernel's compiler. */
  String defines() {
    return " -D TS=" + ts + " -D WPT=" + wpt + " -D TK=" + tk;
  }

  /**
   * Parses and checks a "TS,WPT,TK" setting, so a bad one fails when the backend is opened, naming
   * the rule, instead of on the first matrix product with CL_INVALID_WORK_GROUP_SIZE.
   *
   * @param localMemory the device's local memory in bytes (the two tiles of float64 must fit)
   */
  static GemmTiles parse(String spec, long localMemory) {
    String op = "-Ddl.opencl.gemm=" + spec;
    String[] parts = spec.split(",", -1);
    if (parts.length != 3)
      throw new IllegalStateException(
          Check.message(op, "expected three whole numbers TS,WPT,TK (the default is 64,4,16)"));
    int[] v = new int[3];
    for (int i = 0; i < 3; i++) {
      try {
        v[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalStateException(
            Check.message(op, "'%s' is not a whole number (expected TS,WPT,TK)", parts[i].trim()));
      }
      if (v[i] < 1)
        throw new IllegalStateException(Check.message(op, "every size must be >= 1, got %d", v[i]));
    }
    int ts = v[0], wpt = v[1], tk = v[2];
    if (ts % wpt != 0 || ts / wpt != THREADS) {
      throw new IllegalStateException(
          Check.message(
              op,
              "TS / WPT must be %d (the kernel runs %d×%d work-items), got TS=%d, WPT=%d; e.g. 64,4,16 or 32,2,16",
              THREADS,
              THREADS,
              THREADS,
              ts,
              wpt));
    }
    long needed = 2L * ts * tk * Double.BYTES;
    if (localMemory > 0 && needed > localMemory) {
      throw new IllegalStateException(
          Check.message(
              op,
              "two %d×%d tiles need %d bytes of local memory, the device has %d",
              ts,
              tk,
              needed,
              localMemory));
    }
    return new GemmTiles(ts, wpt, tk);
  }
}
