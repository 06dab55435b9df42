package dl.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class TablesTest {
  @Test
  void ofMapKeepsColumnOrderAndValues() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("x", new double[] {-1, 0, 1});
    m.put("sigmoid(x)", new double[] {0.2689414, 0.5, 0.7310586});
    Table t = Tables.of(m);
    assertEquals(List.of("x", "sigmoid(x)"), t.columnNames());
    assertArrayEquals(new double[] {0.2689414, 0.5, 0.7310586}, Tables.column(t, "sigmoid(x)"));
    m.put("bad", new double[] {1});
    assertThrows(IllegalArgumentException.class, () -> Tables.of(m));
  }

  @Test
  void decimalsAndPercentChangeOnlyHowNumbersPrint() {
    Table t = PlotsTest.history(3, true, true);
    String text = Tables.percent(Tables.decimals(t, 3), 1, "accuracy").print();
    assertTrue(text.contains("2.350"), text); // loss of epoch 1 with 3 decimals
    assertTrue(text.contains("10.0%"), text); // accuracy 0.1 as a percentage
    assertTrue(text.contains(" 1  |"), "int epochs untouched: " + text);
    assertEquals(2.35, Tables.column(t, "loss")[0], 1e-12, "the values themselves are unchanged");
    assertThrows(IllegalArgumentException.class, () -> Tables.decimals(t, 2, "nope"));
  }

  @Test
  void ofTensorNamesColumnsAndRoundsFloatNoise() {
    Table t = Tables.of(Tensor.of(new double[][] {{0.1, 2}, {3, 4}}), "a", "b");
    assertEquals(List.of("a", "b"), t.columnNames());
    assertEquals(2, t.rowCount());
    String text = t.print();
    assertTrue(text.contains("0.1000") && !text.contains("0.10000000149"), text);
    assertEquals(List.of("c0"), Tables.of(Tensor.of(1, 2, 3)).columnNames());
    assertThrows(IllegalArgumentException.class, () -> Tables.of(Tensor.zeros(2, 2), "only"));
  }

  @Test
  void confusionMatrixTableHasTrueRowsAndPredictedColumns() {
    Table t = Tables.confusionMatrix(new int[][] {{50, 2}, {5, 43}}, "cat", "dog");
    assertEquals(List.of("true \\ pred", "cat", "dog"), t.columnNames());
    assertEquals(2, t.intColumn("cat").get(0) == 50 ? t.intColumn("dog").get(0) : -1);
    assertEquals(5, t.intColumn("cat").get(1));
  }
}
