package dl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.nn.functional.Conv;
import dl.nn.functional.Norm;
import dl.nn.functional.Pool;
import dl.nn.models.LeNet5;
import dl.tensor.Tensor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CNN layer against golden outputs and gradients computed by PyTorch 1.13 in float64
 * (src/test/resources/fixtures/torch/README.md says how they were made). Finite differences catch a
 * backward that disagrees with its forward; these catch a forward that is wrong but consistent.
 */
class TorchParityTest {
  /** Average-pooling options our API does not offer (ceil_mode, count_include_pad=false). */
  static final Set<String> NOT_IN_OUR_API =
      Set.of("avgpool2d_k3_s2_p1_ceil", "avgpool2d_k3_s2_p1_exclude_pad");

  static Path dir() throws URISyntaxException {
    return Path.of(TorchParityTest.class.getResource("/fixtures/torch/README.md").toURI())
        .getParent();
  }

  static Stream<String> cases() throws Exception {
    try (Stream<Path> files = Files.list(dir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".safetensors"))
          .map(n -> n.substring(0, n.length() - ".safetensors".length()))
          .filter(n -> !NOT_IN_OUR_API.contains(n) && !n.equals("lenet5_chain"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void everyFixtureIsCovered() throws Exception {
    assertEquals(
        45, cases().count(), "fixtures in " + dir() + " (the LeNet chain has its own test)");
  }

  static int[] pair(String s) {
    String[] p = s.split(",");
    return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[p.length - 1].trim())};
  }

  static void close(Tensor expected, Tensor actual, double tol, String what) {
    assertArrayEquals(expected.shape().toArray(), actual.shape().toArray(), what + ": shape");
    double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
    for (int i = 0; i < e.length; i++) {
      assertTrue(
          Math.abs(e[i] - a[i]) <= tol * Math.max(1, Math.abs(e[i])),
          what + ": element " + i + " expected " + e[i] + " got " + a[i]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void layerMatchesPyTorch(String name) throws Exception {
    Path file = dir().resolve(name + ".safetensors");
    Map<String, String> m = SafeTensors.metadata(file);
    Map<String, Tensor> t = new HashMap<>(SafeTensors.read(file));
    Tensor x = t.get("x").requiresGrad(true);
    Map<String, Tensor> params = new HashMap<>();
    for (String p : List.of("weight", "bias"))
      if (t.containsKey(p)) params.put(p, t.get(p).requiresGrad(true));
    Tensor y =
        switch (m.get("layer")) {
          case "Conv2d" -> {
            int[] k = pair(m.get("kernel")), d = pair(m.get("dilation"));
            int[] pad;
            if (m.get("padding").equals("same")) {
              int th = d[0] * (k[0] - 1), tw = d[1] * (k[1] - 1);
              pad = new int[] {th / 2, th - th / 2, tw / 2, tw - tw / 2};
            } else {
              int[] p = pair(m.get("padding"));
              pad = Conv.pad(p[0], p[1]);
            }
            yield Conv.conv2d(
                x,
                params.get("weight"),
                params.get("bias"),
                pair(m.get("stride")),
                pad,
                d,
                Integer.parseInt(m.get("groups")));
          }
          case "ConvTranspose2d" -> {
            int[] p = pair(m.get("padding"));
            yield Conv.convTranspose2d(
                x,
                params.get("weight"),
                params.get("bias"),
                pair(m.get("stride")),
                Conv.pad(p[0], p[1]),
                pair(m.get("output_padding")),
                pair(m.get("dilation")),
                Integer.parseInt(m.get("groups")));
          }
          case "MaxPool2d" -> {
            int[] k = pair(m.get("kernel")), s = pair(m.get("stride"));
            int[] p = pair(m.get("padding")), d = pair(m.get("dilation"));
            if (k[0] != k[1] || s[0] != s[1] || p[0] != p[1] || d[0] != d[1]) {
              Tensor[] r = Pool.maxPool2dWithIndices(x, k, s, Conv.pad(p[0], p[1]), d);
              close(t.get("indices"), r[1], 0, name + " indices");
              yield r[0];
            }
            var pool = new MaxPool2d(k[0]).stride(s[0]).padding(p[0]).dilation(d[0]);
            Tensor out = pool.ceilMode(m.get("ceil_mode").equals("true")).forward(x);
            close(t.get("indices"), pool.indices(), 0, name + " indices");
            yield out;
          }
          case "MaxUnpool2d" -> {
            int[] size = pair(m.get("output_size"));
            yield Pool.maxUnpool2d(x, t.get("indices"), size[0], size[1]);
          }
          case "AvgPool2d" -> {
            int[] p = pair(m.get("padding"));
            yield Pool.avgPool2d(
                x, pair(m.get("kernel")), pair(m.get("stride")), Conv.pad(p[0], p[1]));
          }
          case "AdaptiveAvgPool2d" -> {
            int[] size = pair(m.get("output_size"));
            yield Pool.adaptiveAvgPool2d(x, size[0], size[1]);
          }
          case "BatchNorm1d", "BatchNorm2d" -> {
            Tensor runningMean = t.get("running_mean").copy(),
                runningVar = t.get("running_var").copy();
            boolean training = m.get("mode").equals("train");
            Tensor out =
                Norm.batchNorm(
                    x,
                    runningMean,
                    runningVar,
                    params.get("weight"),
                    params.get("bias"),
                    training,
                    Double.parseDouble(m.get("momentum")),
                    Double.parseDouble(m.get("eps")));
            if (training) {
              close(t.get("running_mean_after"), runningMean, 1e-12, name + " running_mean");
              close(t.get("running_var_after"), runningVar, 1e-12, name + " running_var");
            }
            yield out;
          }
          case "LocalResponseNorm" ->
              Norm.localResponseNorm(
                  x,
                  Integer.parseInt(m.get("size")),
                  Double.parseDouble(m.get("alpha")),
                  Double.parseDouble(m.get("beta")),
                  Double.parseDouble(m.get("k")));
          default -> throw new AssertionError(name + ": no layer for '" + m.get("layer") + "'");
        };
    close(t.get("y"), y, 1e-10, name + " output");
    y.backward(t.get("g"));
    close(t.get("grad_x"), x.grad(), 1e-10, name + " grad_x");
    for (var e : params.entrySet())
      close(t.get("grad_" + e.getKey()), e.getValue().grad(), 1e-10, name + " grad_" + e.getKey());
  }

  /**
   * The whole LeNet-5 forward and backward, with PyTorch's weights loaded into our model by name.
   */
  @Test
  void lenet5MatchesPyTorchEndToEnd() throws Exception {
    Map<String, Tensor> t = SafeTensors.read(dir().resolve("lenet5_chain.safetensors"));
    Map<String, String> names =
        Map.of(
            "conv1",
            "features.0",
            "conv2",
            "features.3",
            "fc1",
            "classifier.1",
            "fc2",
            "classifier.3",
            "fc3",
            "classifier.5");
    var net = new LeNet5();
    net.to(DType.FLOAT64);
    Map<String, Tensor> state = new HashMap<>();
    names.forEach(
        (torch, ours) -> {
          state.put(ours + ".weight", t.get(torch + ".weight").float64());
          state.put(ours + ".bias", t.get(torch + ".bias").float64());
        });
    net.loadStateDict(state);
    Tensor x = t.get("x").requiresGrad(true);
    Tensor y = net.forward(x);
    close(t.get("y"), y, 1e-10, "lenet logits");
    y.backward(t.get("g"));
    close(t.get("grad_x"), x.grad(), 1e-10, "lenet grad_x");
    var ours = net.namedParameters();
    names.forEach(
        (torch, mine) -> {
          // The fixture stores parameter gradients rounded to float32.
          close(
              t.get("grad_" + torch + ".weight").float64(),
              ours.get(mine + ".weight").grad(),
              1e-6,
              "grad " + torch + ".weight");
          close(
              t.get("grad_" + torch + ".bias").float64(),
              ours.get(mine + ".bias").grad(),
              1e-6,
              "grad " + torch + ".bias");
        });
  }
}
