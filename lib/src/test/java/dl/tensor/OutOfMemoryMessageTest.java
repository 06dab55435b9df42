package dl.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OutOfMemoryMessageTest {

  @Test
  void runningOutOfHeapNamesTheShapeTheSizeAndTheLimit() {
    // 2^31 - 1 floats are 8 GiB, more than the test JVM's heap: the allocation itself fails.
    long max = Runtime.getRuntime().maxMemory();
    org.junit.jupiter.api.Assumptions.assumeTrue(max < (8L << 30), "heap too large to run out");
    OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> Tensor.zeros(46340, 46340));
    String m = e.getMessage();
    assertTrue(m.contains("[46340, 46340]") || m.contains("[46340,46340]"), m);
    assertTrue(m.contains("MiB") && m.contains("-Xmx"), m);
  }
}
