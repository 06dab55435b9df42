package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.backend.View;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Arrays made ahead by idle workers: each is zeroed, of the size asked for, and handed out once
 * (two tensors sharing an array would silently corrupt each other), within the memory bound.
 */
class FreshArraysTest {
  private static final int SIZE = FreshArrays.SMALLEST + 3;

  @Test
  void aSpareIsMadeForASizeAskedForAndHandedOutOnce() {
    FreshArrays fresh = new FreshArrays();
    assertFalse(fresh.makeOne(), "nothing asked for yet, nothing to make");
    float[] first = fresh.take(SIZE);
    assertEquals(SIZE, first.length);
    assertTrue(fresh.makeOne(), "a size that found no spare should get one");
    assertFalse(fresh.makeOne(), "one miss asks for one spare, not more");
    float[] spare = fresh.take(SIZE);
    assertEquals(SIZE, spare.length);
    assertNotSame(first, spare);
    assertNotSame(spare, fresh.take(SIZE), "the spare was handed out twice");
  }

  @Test
  void smallArraysAreNeverKept() {
    FreshArrays fresh = new FreshArrays();
    for (int i = 0; i < 10; i++) assertEquals(100, fresh.take(100).length);
    assertFalse(fresh.makeOne(), "a small size should not be made ahead");
  }

  @Test
  void sparesStayWithinTheirBound() {
    FreshArrays fresh = new FreshArrays();
    long bound = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16);
    int big = (int) (bound / 4 / 2); // two of these fill the bound
    for (int i = 0; i < 5; i++) fresh.take(big);
    int made = 0;
    while (fresh.makeOne()) made++;
    assertEquals(2, made, "spares of " + 4L * big + " bytes within " + bound);
  }

  @Test
  void underConcurrentTakersEveryArrayIsZeroAndUnique() throws Exception {
    FreshArrays fresh = new FreshArrays();
    Set<float[]> seen =
        Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    AtomicBoolean stop = new AtomicBoolean(), failed = new AtomicBoolean();
    Thread maker =
        new Thread(
            () -> {
              while (!stop.get()) if (!fresh.makeOne()) Thread.onSpinWait();
            });
    maker.start();
    Runnable taker =
        () -> {
          for (int i = 0; i < 2000; i++) {
            float[] a = fresh.take(SIZE + (i % 3));
            if (a.length != SIZE + (i % 3) || a[0] != 0 || a[a.length - 1] != 0 || !seen.add(a))
              failed.set(true);
            a[0] = 1; // as a tensor would: a recycled array would show it
            a[a.length - 1] = 1;
          }
        };
    Thread other = new Thread(taker);
    other.start();
    taker.run();
    other.join();
    stop.set(true);
    maker.join();
    assertFalse(failed.get(), "an array came back non-zero, of the wrong size, or twice");
    assertEquals(4000, seen.size());
  }

  @Test
  void theBackendsBuffersAreZeroAndUniqueWhileItsWorkersMakeSpares() {
    CpuBackend cpu = new CpuBackend(2, true);
    Set<float[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < 200; i++) {
      View v = new View(cpu.allocate(DType.FLOAT32, SIZE), new int[] {SIZE}, new int[] {1}, 0);
      float[] a = HostBuffer.of(v).f;
      for (int j = 0; j < a.length; j += 97)
        assertEquals(0f, a[j], "buffer " + i + ", element " + j);
      assertTrue(seen.add(a), "buffer " + i + " shares its array with an earlier one");
      java.util.Arrays.fill(a, 1f);
      cpu.unary(dl.backend.UnaryOp.RELU, v, v); // an op over the pool: its worker wakes up
    }
  }

  @Test
  void whenTheHeapRunsOutTheSparesAreDroppedAndNoMoreAreMade() {
    FreshArrays fresh = new FreshArrays();
    long bound = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16);
    int big = (int) (bound / 4 / 2);
    fresh.take(big);
    fresh.take(big);
    assertTrue(fresh.makeOne() && fresh.makeOne(), "two spares should fit the bound");
    // More than the heap can hold: the spares go, then the JVM's own error stands.
    int huge = (int) Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() / 4 + 1);
    assertThrows(OutOfMemoryError.class, () -> fresh.take(huge));
    assertFalse(fresh.makeOne(), "spares are made again after the heap ran out");
    float[] again = fresh.take(big);
    assertEquals(big, again.length);
  }
}
