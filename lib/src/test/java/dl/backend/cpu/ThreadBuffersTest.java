package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadBuffersTest {

  @Test
  void aThreadGetsItsOwnBufferBackPerSlotAndAnotherThreadDoesNot() throws Exception {
    ThreadBuffers buffers = new ThreadBuffers(2);
    float[] first = buffers.get(0, 100);
    assertTrue(first.length >= 100);
    assertSame(first, buffers.get(0, 50), "a smaller request reuses the slot's buffer");
    assertNotSame(first, buffers.get(1, 50), "slots are separate");
    float[] grown = buffers.get(0, 1000);
    assertTrue(grown.length >= 1000);
    assertSame(grown, buffers.get(0, 1000), "a grown buffer is kept");
    AtomicReference<float[]> other = new AtomicReference<>();
    Thread t = new Thread(() -> other.set(buffers.get(0, 1000)));
    t.start();
    t.join();
    assertNotSame(grown, other.get(), "each thread has its own");
  }

  @Test
  void aBufferPastTheLimitIsMadeForItsCallOnly() {
    ThreadBuffers buffers = new ThreadBuffers(1);
    float[] kept = buffers.get(0, 10);
    float[] big = buffers.get(0, ThreadBuffers.KEPT + 1);
    assertEquals(ThreadBuffers.KEPT + 1, big.length);
    assertNotSame(big, buffers.get(0, ThreadBuffers.KEPT + 1));
    assertSame(kept, buffers.get(0, 10), "the slot's own buffer is still there");
  }
}
