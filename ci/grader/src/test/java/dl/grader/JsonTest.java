package dl.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesEveryKindOfValue() {
    Object v =
        Json.parse(
            "{\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x\\n\\\"y\\\" \\u00e9\\t\"}}");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of(1L, -2500.0, true, false), ((List<?>) m.get("a")).subList(0, 4));
    assertEquals(null, ((List<?>) m.get("a")).get(4));
    assertEquals("x\n\"y\" é\t", ((Map<?, ?>) m.get("b")).get("c"));
  }

  @Test
  void writesLikeJupyterWithSortedKeysAndOneSpaceIndent() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("z", List.of("a\n", "b"));
    m.put("a", Map.of());
    m.put("n", 5L);
    assertEquals(
        "{\n \"a\": {},\n \"n\": 5,\n \"z\": [\n  \"a\\n\",\n  \"b\"\n ]\n}\n", Json.write(m));
    assertEquals("{\"z\":[\"a\\n\",\"b\"],\"a\":{},\"n\":5}", Json.compact(m));
  }

  @Test
  void roundTripsARealNotebookByteForByte() throws Exception {
    String text =
        java.nio.file.Files.readString(
            java.nio.file.Path.of("../../notebooks/05-backprop-and-autograd.ipynb"));
    assertEquals(text, Json.write(Json.parse(text)));
  }

  @Test
  void malformedInputNamesLineAndColumn() {
    var e = assertThrows(Json.ParseException.class, () -> Json.parse("{\n  \"a\": [1, 2,\n}"));
    assertTrue(e.getMessage().contains("line 3, column 1"), e.getMessage());
    assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\": 1} trailing"));
    assertThrows(Json.ParseException.class, () -> Json.parse("\"unterminated"));
    assertThrows(Json.ParseException.class, () -> Json.parse("[01x]"));
    assertThrows(Json.ParseException.class, () -> Json.parse(""));
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "[".repeat(100_000);
    assertThrows(Json.ParseException.class, () -> Json.parse(deep));
  }
}
