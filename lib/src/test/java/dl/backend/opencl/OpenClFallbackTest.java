package dl.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** An op the kernels cannot take (here: more than 8 axes) runs on the CPU and says so once. */
@Tag("opencl")
class OpenClFallbackTest {

  @Test
  void anOpWithoutAKernelRunsOnTheCpuAndSaysSoOnce() {
    OpenClBackend cl = OpenClTests.device();
    int[] shape = {1, 2, 1, 2, 1, 2, 1, 2, 3};
    Tensor a = Tensor.arange(48).reshape(shape).to(cl);
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    Tensor twice, thrice;
    try {
      twice = a.permute(8, 7, 6, 5, 4, 3, 2, 1, 0).mul(2.0);
      thrice = a.permute(8, 7, 6, 5, 4, 3, 2, 1, 0).mul(3.0);
    } finally {
      System.setErr(old);
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertTrue(
        printed.contains("opencl: no kernel for binary MUL here yet, running it on the CPU"),
        printed);
    assertTrue(printed.indexOf("binary MUL") == printed.lastIndexOf("binary MUL"), printed);
    assertSame(cl, twice.device());
    Tensor x = Tensor.arange(48).reshape(shape).permute(8, 7, 6, 5, 4, 3, 2, 1, 0);
    assertArrayEquals(x.mul(x).mul(6.0).toFloatArray(), twice.mul(thrice).toFloatArray());
    assertTrue(cl.cpuFallbacks().contains("binary MUL"));
  }

  /**
   * The gather kernel flags an index out of range; the CPU then reruns the op, without announcing a
   * fallback, to raise the same message the CPU backend gives.
   */
  @Test
  void aBadGatherIndexOnTheDeviceRaisesTheCpuMessageWithoutAFallbackLine() {
    OpenClBackend cl = OpenClTests.device();
    Tensor x = Tensor.arange(6).reshape(2, 3);
    Tensor bad = Tensor.of(0, 5, 1, 2).reshape(2, 2);
    String cpuMessage =
        assertThrows(IllegalArgumentException.class, () -> x.gather(1, bad)).getMessage();
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    String deviceMessage;
    try {
      deviceMessage =
          assertThrows(IllegalArgumentException.class, () -> x.to(cl).gather(1, bad.to(cl)))
              .getMessage();
    } finally {
      System.setErr(old);
    }
    assertEquals(cpuMessage, deviceMessage);
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertFalse(printed.contains("no kernel for gather"), printed);
    assertFalse(cl.cpuFallbacks().contains("gather"), cl.cpuFallbacks().toString());
  }
}
