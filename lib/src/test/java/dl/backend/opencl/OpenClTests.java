package dl.backend.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import dl.backend.Backend;
import dl.backend.Backends;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL device the tagged tests run on: one backend per JVM (PoCL takes about a second to
 * compile the kernels). Where OpenCL is unavailable the tests are skipped with the reason, unless
 * {@code DL_REQUIRE_OPENCL=1} (set in CI, which installs PoCL) makes that a failure.
 */
public final class OpenClTests {
  private OpenClTests() {}

  public static OpenClBackend device() {
    Backend b = Backends.opencl();
    if (b instanceof OpenClBackend cl) return cl;
    String why;
    try {
      ClDevices.list();
      why = "the OpenCL device could not be opened (see the line above)";
    } catch (IllegalStateException | LinkageError e) {
      why = e.getMessage();
    }
    if ("1".equals(System.getenv("DL_REQUIRE_OPENCL")))
      fail("DL_REQUIRE_OPENCL=1 but OpenCL is unavailable: " + why);
    Assumptions.abort("OpenCL unavailable: " + why);
    return null;
  }
}
