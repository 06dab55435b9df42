package dl.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleaseTest {
  private static Map<String, Object> cell(String source, Map<String, Object> nbgrader) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("cell_type", "code");
    c.put("execution_count", 3L);
    c.put("id", "c" + source.hashCode());
    c.put("metadata", Notebook.metadata(nbgrader));
    c.put("outputs", new ArrayList<>(List.of(Map.of("output_type", "stream", "text", "hi"))));
    c.put("source", Notebook.splitLines(source));
    return c;
  }

  private static Notebook notebook(List<Map<String, Object>> cells) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("cells", new ArrayList<Object>(cells));
    root.put("metadata", Map.of());
    root.put("nbformat", 4L);
    root.put("nbformat_minor", 5L);
    return Notebook.parse(Json.compact(root));
  }

  @Test
  void solutionRegionBecomesAnIndentedStubThatCompiles() {
    String src =
        "int f(int x) {\n  // BEGIN SOLUTION\n  return x + 1;\n  // END SOLUTION\n}\nint y = 2;";
    assertEquals(
        "int f(int x) {\n  // YOUR CODE HERE\n  throw new UnsupportedOperationException(\"not"
            + " implemented yet\");\n}\nint y = 2;",
        Release.clearSolution(src, "t"));
  }

  @Test
  void hiddenTestsAreRemovedWithTheirMarkers() {
    String src = "check(1);\n// BEGIN HIDDEN TESTS\n{ secret(); }\n// END HIDDEN TESTS\nok();";
    assertEquals("check(1);\nok();", Release.clearHidden(src, "t"));
  }

  @Test
  void unbalancedMarkersAreErrorsNamingTheCell() {
    var e =
        assertThrows(
            Release.SourceException.class,
            () -> Release.clearSolution("// BEGIN SOLUTION\nx();", "nb, cell 4"));
    assertTrue(e.getMessage().startsWith("nb, cell 4"), e.getMessage());
    assertThrows(
        Release.SourceException.class, () -> Release.clearHidden("// END HIDDEN TESTS", "t"));
  }

  @Test
  void studentVersionStripsSolutionsHiddenTestsAndOutputsButNotTheSource() {
    Notebook src =
        notebook(
            List.of(
                cell(
                    "int a() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}",
                    Release.nbgrader("a", true, false, 0)),
                cell(
                    "check(a());\n// BEGIN HIDDEN TESTS\nsecret();\n// END HIDDEN TESTS",
                    Release.nbgrader("test_a", false, true, 2))));
    Notebook student = Release.studentVersion(src, "nb");
    String text = student.toJson();
    assertFalse(text.contains("return 1"));
    assertFalse(text.contains("secret"));
    assertFalse(text.contains("\"hi\""));
    assertTrue(text.contains("check(a());"));
    assertTrue(text.contains("\"execution_count\": null"));
    assertTrue(src.toJson().contains("secret"), "the source notebook is left alone");
    assertEquals(2.0, student.cells().get(1).points());
  }

  @Test
  void markersOutsideTheirKindOfCellAreRejected() {
    Notebook bad =
        notebook(
            List.of(
                cell(
                    "// BEGIN SOLUTION\n// END SOLUTION", Release.nbgrader("x", false, false, 0))));
    assertThrows(Release.SourceException.class, () -> Release.studentVersion(bad, "nb"));
  }

  @Test
  void theRepositorysExercisesAreWhatTheSolutionsGenerate() throws Exception {
    Path root = Path.of("../..");
    List<String> problems = Release.run(root.resolve("solutions"), root.resolve("exercises"), true);
    assertEquals(List.of(), problems);
  }
}
