package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SimdReasonTest {
  @Test
  void turningSimdOffIsNotReportedAsAMissingModule() {
    // -Ddl.simd=false used to print "add --add-modules jdk.incubator.vector".
    assertEquals("turned off by -Ddl.simd=false", CpuBackend.noSimdReason(false, "false", true));
    assertEquals(
        "start Java with --add-modules jdk.incubator.vector for SIMD",
        CpuBackend.noSimdReason(false, "", false));
    assertEquals("", CpuBackend.noSimdReason(true, "", true));
  }
}
