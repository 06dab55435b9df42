package dl.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.DType;
import dl.nn.AvgPool2d;
import dl.nn.Conv2d;
import dl.nn.Dropout;
import dl.nn.Flatten;
import dl.nn.Linear;
import dl.nn.MaxPool2d;
import dl.nn.Module;
import dl.nn.ReLU;
import dl.nn.Sequential;
import dl.nn.functional.F;
import dl.nn.models.BasicBlock;
import dl.nn.models.ConvNets;
import dl.nn.models.LeNet5;
import dl.nn.models.ResNet;
import dl.tensor.Rng;
import dl.tensor.Tensor;
import dl.viz.ArchitectureDiagram.Box;
import dl.viz.ArchitectureDiagram.Branches;
import dl.viz.ArchitectureDiagram.Frame;
import dl.viz.GraphDiagram.Kind;
import dl.viz.GraphDiagram.Node;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagramsTest {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Writes the picture for a person to look at, and checks it has a sensible size. */
  private static void show(BufferedImage image, String name) {
    assertTrue(
        image.getWidth() >= 150 && image.getWidth() <= 3000,
        name + ": width " + image.getWidth() + " px");
    assertTrue(
        image.getHeight() >= 100 && image.getHeight() <= 6000,
        name + ": height " + image.getHeight() + " px");
    Path dir = Path.of(System.getProperty("dl.viz.gallery", "target/viz-gallery"));
    ((Figure) image).save(dir.resolve("diagram_" + name + ".png"));
  }

  // ================================================================ computation graphs

  /** The lecture's J = cos(sin(x²) + 3x²). */
  @Test
  void graphOfTheLectureExampleHasOneNodePerTensor() {
    Tensor x = Tensor.scalar(0.7, DType.FLOAT64).requiresGrad(true);
    Tensor t = x.mul(x);
    Tensor j = t.sin().add(t.mul(3)).cos();
    GraphDiagram g = new GraphDiagram(j, Map.of("x", x, "t", t));
    // x, t = x·x, sin t, the constant 3, 3t, the sum, cos: seven tensors
    assertEquals(7, g.nodes().size());
    assertEquals(1, g.nodes().stream().filter(n -> n.kind == Kind.PARAMETER).count());
    assertEquals(1, g.nodes().stream().filter(n -> n.kind == Kind.CONSTANT).count());
    Node tNode =
        g.nodes().stream().filter(n -> n.title.equals("t = Mul")).findFirst().orElseThrow();
    assertEquals(2, tNode.inputs.size(), "x.mul(x) has two edges from x");
    assertSame(tNode.inputs.get(0), tNode.inputs.get(1));
    assertEquals("Cos", g.root().title);
    assertEquals(g.rows().size() - 1, g.root().row, "the result is in the bottom row");
    for (List<Node> row : g.rows())
      for (Node n : row)
        for (Node in : n.inputs) assertEquals(n.row - 1, in.row, "edges go one row down");
    show(Diagrams.computationGraph(j, Map.of("x", x, "t", t)), "graph_lecture");
  }

  @Test
  void graphOfAnMlpLossShowsWeightsDataAndOperations() {
    Rng rng = new Rng(3);
    Tensor xb = Tensor.randn(rng, 4, 4);
    Tensor w1 = Tensor.randn(rng, 4, 5).requiresGrad(true);
    Tensor b1 = Tensor.zeros(5).requiresGrad(true);
    Tensor w2 = Tensor.randn(rng, 5, 3).requiresGrad(true);
    Tensor b2 = Tensor.zeros(3).requiresGrad(true);
    Tensor labels = Tensor.of(0, 2, 1, 1);
    Tensor loss = F.crossEntropy(xb.matmul(w1).add(b1).relu().matmul(w2).add(b2), labels);
    Map<String, Tensor> names =
        Map.of("X", xb, "W1", w1, "b1", b1, "W2", w2, "b2", b2, "y", labels);
    GraphDiagram g = new GraphDiagram(loss, names);
    List<String> params = new ArrayList<>();
    for (Node n : g.nodes()) if (n.kind == Kind.PARAMETER) params.add(n.title);
    assertEquals(List.of("W1", "W2", "b1", "b2"), params.stream().sorted().toList());
    assertTrue(g.nodes().stream().anyMatch(n -> n.kind == Kind.CONSTANT && n.title.equals("X")));
    assertTrue(g.nodes().stream().anyMatch(n -> n.title.equals("MatMul")));
    show(Diagrams.computationGraph(loss, names), "graph_mlp");
  }

  @Test
  void graphOfATensorWithoutHistoryIsAClearError() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Diagrams.computationGraph(Tensor.ones(2, 3)));
    assertTrue(
        e.getMessage().startsWith("computationGraph: tensor of shape [2,3]"), e.getMessage());
    assertTrue(e.getMessage().contains("requiresGrad(true)"), e.getMessage());
  }

  @Test
  void graphThatIsTooBigIsAClearError() {
    Tensor x = Tensor.ones(2).requiresGrad(true);
    Tensor y = x;
    for (int i = 0; i < GraphDiagram.MAX_NODES; i++) y = y.add(x);
    Tensor big = y;
    var e = assertThrows(IllegalArgumentException.class, () -> Diagrams.computationGraph(big));
    assertTrue(e.getMessage().contains("more than " + GraphDiagram.MAX_NODES), e.getMessage());
  }

  // ================================================================ sliding kernels

  @Test
  void slidingKernelPlacesTapsByStridePaddingAndDilation() {
    var k = new KernelDiagram(5, 3, 2, 1, 1, null);
    assertEquals(3, k.output, "⌊(5 + 2 − 2 − 1)/2⌋ + 1");
    assertEquals(4, k.positions.size());
    // output (0, 1) starts two columns to the right in the padded grid
    List<int[]> taps = k.taps(0, 1);
    assertEquals(9, taps.size());
    assertEquals(0, taps.get(0)[0]);
    assertEquals(2, taps.get(0)[1]);
    var dilated = new KernelDiagram(7, 3, 1, 0, 2, new int[][] {{1, 2}});
    assertEquals(3, dilated.output, "a 3×3 kernel with dilation 2 spans 5: 7 − 5 + 1");
    List<int[]> spread = dilated.taps(1, 2);
    assertEquals(1, spread.get(0)[0]);
    assertEquals(2, spread.get(0)[1]);
    assertEquals(5, spread.get(8)[0], "last tap 2·2 rows further");
    assertEquals(6, spread.get(8)[1]);
    show(Diagrams.slidingKernel(5, 3, 2, 1, 1), "kernel_stride2_pad1");
    show(Diagrams.slidingKernel(7, 3, 1, 0, 2), "kernel_dilation2");
  }

  @Test
  void slidingKernelRejectsImpossibleSettings() {
    var tooBig =
        assertThrows(IllegalArgumentException.class, () -> Diagrams.slidingKernel(4, 3, 1, 0, 2));
    assertTrue(tooBig.getMessage().contains("spans 5"), tooBig.getMessage());
    var negative =
        assertThrows(IllegalArgumentException.class, () -> Diagrams.slidingKernel(5, 3, 1, -1, 1));
    assertTrue(negative.getMessage().startsWith("slidingKernel(input 5"), negative.getMessage());
    var outside =
        assertThrows(
            IllegalArgumentException.class,
            () -> Diagrams.slidingKernel(5, 3, 1, 0, 1, new int[] {3, 0}));
    assertTrue(outside.getMessage().contains("inside the 3×3 output"), outside.getMessage());
  }

  // ================================================================ dropout

  @Test
  void dropoutDrawsTheMaskOfARealDropoutLayer() {
    Dropout drop = new Dropout(0.5).rng(new Rng(4));
    drop.train();
    Tensor masks = drop.forward(Tensor.ones(4, 10));
    var d = new DropoutDiagram(masks);
    double[] v = masks.toDoubleArray();
    for (int s = 0; s < 4; s++) {
      int nonzero = 0;
      for (int u = 0; u < 10; u++) if (v[s * 10 + u] != 0) nonzero++;
      assertEquals(nonzero, d.keptCount(s), "sample " + s);
    }
    assertEquals(2.0, d.scale, 1e-6, "inverted dropout scales survivors by 1/(1 − 0.5)");
    show(Diagrams.dropout(masks), "dropout");
    show(Diagrams.dropout(3, 12, 0.3, 7), "dropout_seeded");
  }

  @Test
  void dropoutRejectsBadMasks() {
    var shape =
        assertThrows(IllegalArgumentException.class, () -> Diagrams.dropout(Tensor.ones(2, 2, 2)));
    assertTrue(shape.getMessage().contains("[samples, units]"), shape.getMessage());
    var negative =
        assertThrows(IllegalArgumentException.class, () -> Diagrams.dropout(Tensor.of(1, -1, 0)));
    assertTrue(negative.getMessage().contains("-1.0 at sample 0, unit 1"), negative.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Diagrams.dropout(2, 200, 0.5, 1));
  }

  // ================================================================ receptive fields

  @Test
  void receptiveFieldOfStackedConvolutionsGrowsByTwoPerLayer() {
    for (int n = 1; n <= 4; n++) {
      Module[] layers = new Module[2 * n];
      for (int i = 0; i < n; i++) {
        layers[2 * i] = new Conv2d(1, 1, 3).padding(1);
        layers[2 * i + 1] = new ReLU();
      }
      var rf = new ReceptiveFieldDiagram(Sequential.of(layers), new int[] {1, 15, 15});
      assertEquals(2 * n + 1, rf.field());
      assertEquals(n + 1, rf.rows.size(), "the input and one row per convolution");
      var input = rf.rows.get(0);
      assertEquals(2 * n + 1, input.seen.size(), "every pixel of the field is reached");
      assertEquals(7 - n, input.seen.first(), "centred on pixel 7");
    }
  }

  @Test
  void receptiveFieldOfLeNetFeaturesIs16() {
    var features = new LeNet5().features();
    var rf = new ReceptiveFieldDiagram(features, new int[] {1, 28, 28});
    // conv 5 → 5, pool 2 → 6, conv 5 (jump 2) → 14, pool 2 → 16: notebook 12's number
    assertEquals(List.of(1, 5, 6, 14, 16), rf.rows.stream().map(r -> r.field).toList());
    assertEquals(List.of(1, 1, 2, 2, 4), rf.rows.stream().map(r -> r.jump).toList());
    assertNull(rf.stoppedAt);
    show(Diagrams.receptiveField(features, 1, 28, 28), "receptive_lenet");
    Module deep =
        Sequential.of(
            new Conv2d(1, 4, 3).padding(1),
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(4, 4, 3).padding(1),
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(4, 4, 3).padding(1),
            new ReLU(),
            new AvgPool2d(2),
            new Conv2d(4, 4, 3).padding(1).dilation(2),
            new Flatten(),
            new Linear(4, 2));
    var d = new ReceptiveFieldDiagram(deep, new int[] {1, 28, 28});
    // fields 3, 4, 8, 10, 18, 22, then the dilated 3×3 at jump 8 adds 2·2·8
    assertEquals(List.of(1, 3, 4, 8, 10, 18, 22, 54), d.rows.stream().map(r -> r.field).toList());
    assertTrue(d.stoppedAt.startsWith("Flatten"), d.stoppedAt);
    show(Diagrams.receptiveField(deep, 1, 28, 28), "receptive_deep");
  }

  @Test
  void windowedLayersReportTheirGeometry() {
    Conv2d conv = new Conv2d(1, 1, 3, 5).stride(2).padding(1, 2).dilation(2);
    assertArrayEquals(new int[] {3, 5}, conv.kernelSize());
    assertArrayEquals(new int[] {2, 2}, conv.stride());
    assertArrayEquals(new int[] {1, 2}, conv.padding());
    assertArrayEquals(new int[] {2, 2}, conv.dilation());
    assertArrayEquals(
        new int[] {1, 1},
        new Conv2d(1, 1, 4).padding("same").padding(),
        "a 4×4 kernel needs 3 rows of padding: 1 before, 2 after");
    MaxPool2d pool = new MaxPool2d(3).stride(2).padding(1);
    assertArrayEquals(new int[] {3, 3}, pool.kernelSize());
    assertArrayEquals(new int[] {2, 2}, pool.stride());
    assertArrayEquals(new int[] {1, 1}, pool.padding());
    assertArrayEquals(new int[] {1, 1}, pool.dilation());
    assertArrayEquals(new int[] {2, 2}, new AvgPool2d(2).stride());
    conv.stride()[0] = 9;
    assertArrayEquals(new int[] {2, 2}, conv.stride(), "a copy: the layer does not change");
  }

  @Test
  void receptiveFieldRejectsWhatIsNotAStack() {
    var notStack =
        assertThrows(
            IllegalArgumentException.class, () -> Diagrams.receptiveField(new LeNet5(), 1, 28, 28));
    assertTrue(notStack.getMessage().contains("net.features()"), notStack.getMessage());
    var shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> Diagrams.receptiveField(new LeNet5().features(), 28, 28));
    assertTrue(shape.getMessage().contains("[channels, height, width]"), shape.getMessage());
    var noWindow =
        assertThrows(
            IllegalArgumentException.class,
            () -> Diagrams.receptiveField(Sequential.of(new Flatten(), new Linear(4, 2)), 1, 2, 2));
    assertTrue(noWindow.getMessage().contains("no convolution or pooling"), noWindow.getMessage());
  }

  // ================================================================ architectures

  @Test
  void lenetHasOneBoxPerLayerWithActivationsFolded() {
    Module net = new LeNet5();
    net.train();
    var a = new ArchitectureDiagram(net, new int[] {1, 28, 28});
    // input; conv1+ReLU, pool1, conv2+ReLU, pool2; Flatten, fc1+ReLU, fc2+ReLU, fc3
    assertEquals(9, a.boxes());
    List<Frame> frames = a.all(Frame.class);
    assertEquals(2, frames.size());
    assertEquals("features: Sequential   2,572 params", frames.get(0).label);
    assertEquals("classifier: Sequential   59,134 params", frames.get(1).label);
    Box conv1 = a.all(Box.class).get(1);
    assertEquals(List.of("Conv2d(1 → 6, 5×5, padding 2)", "+ ReLU"), conv1.lines);
    assertEquals(156, conv1.params);
    assertEquals("→ 6×28×28   156 params", conv1.detail());
    long total = a.all(Box.class).stream().mapToLong(b -> b.params).sum();
    assertEquals(net.parameterCount(), total, "every parameter is in some box");
    assertTrue(net.isTraining(), "drawing leaves the training mode as it was");
    Tensor.manualSeed(5);
    double before = Tensor.rand(1).item();
    Tensor.manualSeed(5);
    new ArchitectureDiagram(net, new int[] {1, 28, 28});
    assertEquals(before, Tensor.rand(1).item(), "drawing does not move the global random stream");
    show(Diagrams.architecture(net, 1, 28, 28), "arch_lenet5");
  }

  @Test
  void alexNetAndVgg16AreChainsOfBoxes() {
    var alex = new ArchitectureDiagram(ConvNets.alexNetSmall(1, 28, 10), new int[] {1, 28, 28});
    assertEquals(12, alex.boxes());
    assertTrue(alex.all(Branches.class).isEmpty());
    show(Diagrams.architecture(ConvNets.alexNetSmall(1, 28, 10), 1, 28, 28), "arch_alexnet_small");
    Module vgg = vgg16(10);
    var v = new ArchitectureDiagram("VGG-16", vgg, new int[] {3, 32, 32});
    assertEquals("VGG-16   15,245,130 parameters", v.title);
    // input, 13 convolutions (ReLU folded), 5 poolings, Flatten, 3 linear layers
    assertEquals(1 + 13 + 5 + 1 + 3, v.boxes());
    Box last = v.all(Box.class).get(v.boxes() - 1);
    assertEquals("→ 10", last.detail().substring(0, 4));
    show(Diagrams.architecture("VGG-16", vgg, 3, 32, 32), "arch_vgg16");
  }

  /** VGG-16's layer plan (Simonyan and Zisserman 2015, configuration D) for 32×32 images. */
  static Sequential vgg16(int classes) {
    List<Module> layers = new ArrayList<>();
    int[][] stages = {{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}};
    int in = 3;
    for (int[] stage : stages) {
      for (int i = 0; i < stage[0]; i++) {
        layers.add(new Conv2d(in, stage[1], 3).padding(1));
        layers.add(new ReLU());
        in = stage[1];
      }
      layers.add(new MaxPool2d(2));
    }
    layers.addAll(
        List.of(
            new Flatten(),
            new Linear(512, 512),
            new ReLU(),
            new Dropout(0.5),
            new Linear(512, 512),
            new ReLU(),
            new Dropout(0.5),
            new Linear(512, classes)));
    return Sequential.of(layers.toArray(new Module[0]));
  }

  @Test
  void residualBlocksDrawTheSkipAsABypassAndTheProjectionAsABranch() {
    var same = new ArchitectureDiagram(new BasicBlock(8, 8, 1), new int[] {8, 10, 10});
    Branches skip = same.all(Branches.class).get(0);
    assertEquals(2, skip.branches.size());
    assertNull(skip.branches.get(1), "the identity shortcut is a bypass edge, no box");
    assertTrue(skip.relu && !skip.concat);
    assertEquals(3, same.boxes(), "input, conv+BN+ReLU, conv+BN");
    show(Diagrams.architecture(new BasicBlock(8, 8, 1), 8, 10, 10), "arch_basicblock");

    var down = new ArchitectureDiagram(new BasicBlock(8, 16, 2), new int[] {8, 10, 10});
    Branches proj = down.all(Branches.class).get(0);
    assertNotNull(proj.branches.get(1));
    assertEquals(4, down.boxes(), "input, conv+BN+ReLU, conv+BN, and the shortcut's conv+BN");
    assertEquals("→ 16×5×5", "→ " + Sketch.exampleShape(proj.out));
  }

  @Test
  void resnetSmallHasOneFramedBlockPerResidualBlock() {
    Module net = ResNet.small(1, 10, 1);
    var a = new ArchitectureDiagram(net, new int[] {1, 28, 28});
    assertEquals(3, a.all(Branches.class).size());
    assertEquals(3, a.all(Frame.class).size());
    assertEquals(
        1,
        a.all(Branches.class).stream().filter(b -> b.branches.contains(null)).count(),
        "only the first block keeps the shape; the others project");
    // input, stem, 2 + 3 + 3 in the blocks, pooling, Flatten, Linear
    assertEquals(13, a.boxes());
    show(Diagrams.architecture(net, 1, 28, 28), "arch_resnet8");
    var resnet20 = new ArchitectureDiagram(ResNet.small(1, 10, 3), new int[] {1, 28, 28});
    assertEquals(9, resnet20.all(Branches.class).size());
    show(Diagrams.architecture(ResNet.small(1, 10, 3), 1, 28, 28), "arch_resnet20");
  }

  /** Four branches concatenated along the channels, as in GoogLeNet. */
  static final class Inception extends Module {
    private final Module a, b, c, d;

    Inception(int in) {
      a = child("b1", new Conv2d(in, 4, 1));
      b =
          child(
              "b2",
              Sequential.of(new Conv2d(in, 4, 1), new ReLU(), new Conv2d(4, 8, 3).padding(1)));
      c =
          child(
              "b3",
              Sequential.of(new Conv2d(in, 2, 1), new ReLU(), new Conv2d(2, 4, 5).padding(2)));
      d = child("b4", Sequential.of(new MaxPool2d(3).stride(1).padding(1), new Conv2d(in, 4, 1)));
    }

    @Override
    public Tensor forward(Tensor x) {
      return Tensor.cat(1, a.forward(x), b.forward(x), c.forward(x), d.forward(x)).relu();
    }
  }

  @Test
  void inceptionModuleIsDrawnWithItsBranches() {
    Module net = Sequential.of(new Conv2d(1, 8, 3).padding(1), new Inception(8), new AvgPool2d(2));
    var a = new ArchitectureDiagram(net, new int[] {1, 12, 12});
    Branches inc = a.all(Branches.class).get(0);
    assertTrue(inc.concat && inc.relu);
    assertEquals(4, inc.branches.size());
    assertEquals("20×12×12", Sketch.exampleShape(inc.out));
    show(Diagrams.architecture(net, 1, 12, 12), "arch_inception");
  }

  /** A block whose forward does more than wire its children. */
  static final class Scaled extends Module {
    private final Module f = child("f", new Linear(3, 3));

    @Override
    public Tensor forward(Tensor x) {
      return f.forward(x).mul(0.5).add(1);
    }
  }

  @Test
  void aBlockWithUnknownWiringIsOneMarkedBox() {
    var a = new ArchitectureDiagram(Sequential.of(new Scaled(), new ReLU()), new int[] {3});
    Box opaque = a.all(Box.class).get(1);
    assertTrue(opaque.opaque);
    assertTrue(opaque.lines.get(1).contains("not recognised"), opaque.lines.toString());
    assertFalse(a.all(Box.class).get(0).opaque);
  }

  @Test
  void architectureWithAWrongInputShapeIsAClearError() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Diagrams.architecture(new LeNet5(), 3, 32, 32));
    assertTrue(
        e.getMessage().startsWith("architecture: LeNet5 cannot take an input of shape [1,3,32,32]"),
        e.getMessage());
    var none =
        assertThrows(IllegalArgumentException.class, () -> Diagrams.architecture(new LeNet5()));
    assertTrue(none.getMessage().contains("without the batch axis"), none.getMessage());
  }

  @Test
  void resizingADiagramKeepsItsProportions() {
    Figure f = Diagrams.slidingKernel(5, 3, 1, 0, 1);
    Figure half = f.size(f.getWidth() / 2, f.getHeight() / 2);
    assertEquals(f.getWidth() / 2, half.getWidth());
    assertNotNull(half.png());
  }
}
