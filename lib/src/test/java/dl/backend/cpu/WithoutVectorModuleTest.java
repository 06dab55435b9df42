package dl.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend in a JVM without the {@code jdk.incubator.vector} module (a student's plain
 * {@code java} or {@code jshell}): LeNet-5 and ResNet-8 train a step on the plain loops. Tests run
 * with the module, so this starts a second JVM without it. NOTE: a kernel class with Vector API
 * static fields, built eagerly by the backend, once made the backend's constructor fail there.
 */
class WithoutVectorModuleTest {

  /** The child JVM's work: one forward and backward pass of each network. */
  public static void main(String[] args) {
    Tensor.manualSeed(1);
    Tensor x = Tensor.randn(2, 1, 28, 28);
    new LeNet5().forward(x).sum().backward();
    ResNet.small(1, 10, 1).forward(x).sum().backward();
    System.out.println("trained a step without the vector module");
  }

  @Test
  void lenetAndResNetRunWithoutTheVectorModule() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WithoutVectorModuleTest.class.getName())
            .redirectErrorStream(true)
            .start();
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM finished within 120 s");
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), out);
    assertTrue(out.contains("no SIMD"), "the backend line names the missing SIMD:\n" + out);
    assertTrue(out.contains("trained a step without the vector module"), out);
  }
}
