package dl.backend.cpu;

/**
 * Float buffers that each thread keeps from one call to the next, one per slot, for kernels that
 * need room for intermediate values (an unfolded image, packed panels, partial sums). NOTE: a fresh
 * Java array is zeroed by the thread that makes it; for buffers of megabytes made on every call
 * that cost 5–15% of the kernels that used them, and the collections after.
 */
final class ThreadBuffers {
  /** The most floats a slot keeps between calls (16 MB): a bigger buffer is made for its call. */
  static final int KEPT = 1 << 22;

  private final ThreadLocal<float[][]> slots;

  ThreadBuffers(int count) {
    slots = ThreadLocal.withInitial(() -> new float[count][]);
  }

  /**
   * This thread's buffer {@code slot} with room for {@code size} floats. Its contents are whatever
   * the last call left there: callers write every element they read.
   */
  float[] get(int slot, int size) {
    if (size > KEPT) return new float[size];
    float[][] mine = slots.get();
    if (mine[slot] == null || mine[slot].length < size) mine[slot] = new float[size];
    return mine[slot];
  }
}
