package dl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BackendsTest {

  /** Runs {@code body} and returns what it printed on standard output (where the line goes). */
  private static String stdoutOf(Runnable body) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aMissingOpenClDeviceFallsBackToTheCpuWithOneLine() {
    Backend[] got = new Backend[1];
    String printed = stdoutOf(() -> got[0] = Backends.get("opencl:99"));
    assertSame(Backends.cpu(), got[0]);
    assertEquals(1, printed.lines().count(), printed);
    assertTrue(printed.startsWith("dl: backend cpu"), printed);
    assertTrue(printed.contains("OpenCL unavailable"), printed);
    // Either there is OpenCL but no device 99, or no OpenCL at all: the line says which.
    assertTrue(
        printed.contains("no OpenCL device 99")
            || printed.contains("libOpenCL")
            || printed.contains("platform"),
        printed);
    // The same code then runs, on the CPU.
    Backend previous = Backends.use(got[0]);
    try {
      Tensor x = Tensor.of(1, 2, 3);
      assertEquals(14.0, x.mul(x).sum().item(), 1e-6);
      assertSame(Backends.cpu(), x.device());
    } finally {
      Backends.use(previous);
    }
  }

  @Test
  void forcingANonExistentDeviceThroughTheSettingRunsOnTheCpuWithOneLine() {
    Backend[] got = new Backend[1];
    String printed = stdoutOf(() -> got[0] = Backends.choose("opencl:99", "DL_BACKEND="));
    assertSame(Backends.cpu(), got[0]);
    assertEquals(1, printed.lines().count(), printed);
    assertTrue(
        printed.startsWith("dl: backend cpu") && printed.contains("DL_BACKEND=opencl:99"), printed);
    String typo = stdoutOf(() -> Backends.choose("gpu", "DL_BACKEND="));
    assertTrue(typo.contains("ignoring DL_BACKEND=gpu"), typo);
  }

  @Test
  void unknownBackendNamesAreRejectedWithTheChoices() {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> Backends.get("cuda"));
    assertTrue(e.getMessage().contains("cpu, opencl or opencl:<index>"), e.getMessage());
  }

  @Test
  void infoNamesTheChosenBackend() {
    String info = Backends.info();
    assertTrue(info.startsWith("backend: " + Backends.current().describe()), info);
    assertTrue(info.contains("OpenCL"), info);
  }
}
