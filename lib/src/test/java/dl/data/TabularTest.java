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
    // A text column is not dropped silently: naming no features means every column is one.
    var e = assertThrows(DataException.class, () -> Tabular.readCsv(csv, "y"));
    assertTrue(e.getMessage().contains("'name'") && e.getMessage().contains("row 0 has 'x'"));
    TensorDataset ds = Tabular.toDataset(Tabular.read(csv), "y", "a", "b");
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

  @Test
  void oneNonNumericCellIsAnErrorNamingColumnRowAndValue() throws IOException {
    // Tablesaw alone reads b as text and the column used to vanish from x.
    Path csv = Files.writeString(dir.resolve("n.csv"), "a,b,y\n1,2,0\n3,oops,1\n5,6,0\n");
    var e = assertThrows(DataException.class, () -> Tabular.readCsv(csv, "y"));
    assertTrue(e.getMessage().contains("column 'b'"), e.getMessage());
    assertTrue(e.getMessage().contains("row 1 has 'oops'"), e.getMessage());
  }

  @Test
  void aQuotedDecimalCommaIsTextNotFifteen() throws IOException {
    Path csv = Files.writeString(dir.resolve("c.csv"), "a,y\n\"1,5\",0\n\"2,5\",1\n");
    var e = assertThrows(DataException.class, () -> Tabular.readCsv(csv, "y"));
    assertTrue(e.getMessage().contains("row 0 has '1,5'"), e.getMessage());
    Path dot = Files.writeString(dir.resolve("d.csv"), "a,y\n\"1.5\",0\n-2e1,1\n");
    assertArrayEquals(new float[] {1.5f, -20f}, Tabular.readCsv(dot, "y").x().toFloatArray());
  }

  @Test
  void emptyHeaderOnlyAndRaggedFilesNameTheFile() throws IOException {
    Path empty = Files.writeString(dir.resolve("e.csv"), "");
    var e = assertThrows(DataException.class, () -> Tabular.read(empty));
    assertTrue(e.getMessage().startsWith(empty.toString()) && e.getMessage().contains("empty"));
    Path header = Files.writeString(dir.resolve("h.csv"), "a,y\n");
    e = assertThrows(DataException.class, () -> Tabular.readCsv(header, "y"));
    assertTrue(e.getMessage().contains("no rows"), e.getMessage());
    Path ragged = Files.writeString(dir.resolve("r.csv"), "a,b,y\n1,2,0\n3,1\n");
    e = assertThrows(DataException.class, () -> Tabular.read(ragged));
    assertTrue(e.getMessage().startsWith(ragged.toString()), e.getMessage());
    assertTrue(
        e.getMessage().contains("row 1") && e.getMessage().contains("2 fields"), e.getMessage());
    Path long_ = Files.writeString(dir.resolve("l.csv"), "a,y\n1,0\n3,1,9\n");
    assertThrows(DataException.class, () -> Tabular.read(long_));
  }

  @Test
  void aNumberThatOverflowsToInfinityIsAnError() throws IOException {
    Path csv = Files.writeString(dir.resolve("inf.csv"), "a,y\n1,0\n1e999,1\n");
    var e = assertThrows(DataException.class, () -> Tabular.readCsv(csv, "y"));
    assertTrue(e.getMessage().contains("row 1 has '1e999'"), e.getMessage());
  }
}
