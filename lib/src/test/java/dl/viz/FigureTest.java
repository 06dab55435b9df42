package dl.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FigureTest {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  @TempDir Path dir;

  @Test
  void saveWritesAReadablePngAndLeavesNoTempFile() throws Exception {
    Chart c = Plots.line("loss", new double[] {2, 1, 0.5}).title("Loss");
    Path file = dir.resolve("out/nested/loss.png");
    assertSame(c, c.save(file), "save returns the figure so a cell still shows it");
    BufferedImage back = ImageIO.read(file.toFile());
    assertEquals(c.getWidth(), back.getWidth());
    assertEquals(c.getHeight(), back.getHeight());
    assertEquals(c.getRGB(100, 100), back.getRGB(100, 100));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "only the PNG, no leftover temp file");
    }
  }

  @Test
  void saveReplacesAnExistingFileWhole() throws Exception {
    Path file = dir.resolve("grid.png");
    Files.writeString(file, "old contents that are not a PNG");
    ImageGrid g = Images.grid(Tensor.rand(4, 1, 8, 8), 2);
    g.save(file.toString());
    byte[] bytes = Files.readAllBytes(file);
    assertArrayEquals(g.png(), bytes);
    assertEquals((byte) 0x89, bytes[0]);
    assertEquals('P', bytes[1]);
  }

  @Test
  void saveFailsWithTheFileNameAndCleansUp() throws Exception {
    Path blocker = dir.resolve("not-a-dir");
    Files.writeString(blocker, "x");
    var e =
        assertThrows(
            UncheckedIOException.class,
            () -> Plots.line("a", new double[] {1, 2}).save(blocker.resolve("a.png")));
    assertTrue(e.getMessage().contains("a.png"), e.getMessage());
    Path target = dir.resolve("taken.png");
    Files.createDirectory(target); // a directory where the file should go: the move fails
    assertThrows(
        UncheckedIOException.class, () -> Plots.line("a", new double[] {1, 2}).save(target));
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(
          files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
          "temp file removed after a failed move");
    }
  }

  @Test
  void rowAndColumnPlaceFiguresSideBySideAndResize() {
    Chart a = Plots.line("a", new double[] {1, 2}).size(300, 200);
    ImageGrid b = Images.grid(Tensor.rand(2, 1, 28, 28), 2);
    Figure row = Figure.row(a, b);
    assertEquals(300 + b.getWidth(), row.getWidth());
    assertEquals(Math.max(200, b.getHeight()), row.getHeight());
    assertEquals(a.getRGB(150, 100), row.getRGB(150, 100));
    Figure col = Figure.column(a, a);
    assertEquals(300, col.getWidth());
    assertEquals(400, col.getHeight());
    Figure wide = Figure.row(a, a).size(1000, 300);
    assertEquals(1000, wide.getWidth());
    assertEquals(300, wide.getHeight());
    assertThrows(IllegalArgumentException.class, () -> Figure.row());
    assertThrows(IllegalArgumentException.class, () -> a.size(0, 100));
  }

  @Test
  void figuresAreBufferedImagesWithAShortDescription() {
    Figure f = Plots.lossCurves(PlotsTest.history(3, true, true));
    assertTrue(f instanceof BufferedImage);
    assertEquals("Figure[960x360]", f.toString());
    assertEquals(
        "Chart[600x400, 'Loss', series=[train, validation]]",
        Plots.loss(PlotsTest.history(3, true, true)).toString());
    assertTrue(Pixels.distinctColours(f) > 20, "not a blank canvas");
  }
}
