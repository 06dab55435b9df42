package dl.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dl.nn.SafeTensors;
import dl.nn.models.ResNet;
import dl.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnTargetsTest {
  @Test
  void savedResnetWeightsCarryTheirHashAndSettingsAndLoadBack(@TempDir Path dir) throws Exception {
    Tensor.manualSeed(5);
    ResNet trained = ResNet.small(1, 10, 1, 4);
    Path file = dir.resolve("sub").resolve("weights.safetensors");
    CnnTargets.saveWeights(trained, "ResNet.small(1, 10, 1, 4)", file, 3, 500, 0.4567);

    // The .sha256 file is in sha256sum's format and matches the bytes on disk
    String line = Files.readString(Path.of(file + ".sha256"));
    String actual =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    assertEquals(actual + "  weights.safetensors\n", line);

    var meta = SafeTensors.metadata(file);
    assertEquals("ResNet.small(1, 10, 1, 4)", meta.get("model"));
    assertEquals("3", meta.get("epochs"));
    assertEquals("500", meta.get("train_images"));
    assertEquals("0.4567", meta.get("test_accuracy"));
    assertEquals("bash ci/bench.sh resnet 3", meta.get("command"));

    // A fresh network with other weights gets the saved ones back, buffers included
    Tensor.manualSeed(6);
    ResNet fresh = ResNet.small(1, 10, 1, 4);
    SafeTensors.load(fresh, file);
    var want = trained.stateDict();
    fresh
        .stateDict()
        .forEach(
            (name, t) -> assertArrayEquals(want.get(name).toFloatArray(), t.toFloatArray(), name));
  }
}
