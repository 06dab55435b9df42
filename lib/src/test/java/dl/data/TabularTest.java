package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabularTest {
  @TempDir Path dir;

  @Test
  void irisHas150RowsFiftyPerSpeciesAndFishersValues() {
    TensorDataset iris = Datasets.iris();
    assertEquals(150, iris.size());
    assertArrayEquals(new int[] {4}, iris.inputShape());
    assertEquals(List.of("setosa", "versicolor", "virginica"), iris.classNames());
    assertArrayEquals(new int[] {50, 50, 50}, iris.classCounts());
    // Column sums of Fisher's data (R's datasets::iris): 876.5, 458.6, 563.7, 179.9.
    float[] x = iris.x().toFloatArray();
    double[] sums = new double[4];
    for (int i = 0; i < 150; i++) for (int j = 0; j < 4; j++) sums[j] += x[i * 4 + j];
    assertArrayEquals(new double[] {876.5, 458.6, 563.7, 179.9}, sums, 1e-3);
    // The two rows the UCI copy gets wrong (35 and 38, 1-based) hold Fisher's values.
    assertArrayEquals(new float[] {4.9f, 3.1f, 1.5f, 0.2f}, iris.get(34).x().toFloatArray());
    assertArrayEquals(new float[] {4.9f, 3.6f, 1.4f, 0.1f}, iris.get(37).x().toFloatArray());
    assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, iris.get(0).x().toFloatArray());
    assertArrayEquals(new float[] {5.9f, 3.0f, 5.1f, 1.8f}, iris.get(149).x().toFloatArray());
    assertEquals(2, iris.get(149).y().item());
    assertEquals(150, Datasets.irisTable().rowCount());
  }

  @Test
  void numericTargetIsKeptAndFeaturesCanBeChosen() throws IOException {
    Path csv = Files.writeString(dir.resolve("t.csv"), "a,b,name,y\n1,2,x,0.5\n3,4,y,1.5\n");
    TensorDataset ds = Tabular.readCsv(csv, "y");
    assertArrayEquals(new float[] {1, 2, 3, 4}, ds.x().toFloatArray());
    assertArrayEquals(new float[] {0.5f, 1.5f}, ds.y().toFloatArray());
    assertTrue(ds.classNames().isEmpty());
    TensorDataset b = Tabular.toDataset(Tabular.read(csv), "name", "b");
    assertArrayEquals(new float[] {2, 4}, b.x().toFloatArray());
    assertEquals(List.of("x", "y"), b.classNames());
  }

  @Test
  void missingValuesAndUnknownColumnsAreNamed() throws IOException {
    Path csv = Files.writeString(dir.resolve("m.csv"), "a,b,label\n1,2,p\n3,,q\n");
    var e = assertThrows(DataException.class, () -> Tabular.readCsv(csv, "label"));
    assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("row 1"), e.getMessage());
    e = assertThrows(DataException.class, () -> Tabular.readCsv(csv, "nope"));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
  }
}
