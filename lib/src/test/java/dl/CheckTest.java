package dl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CheckTest {
  @Test
  void messagesNameTheOperationThenWhatWasWrong() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Check.argument(false, "Conv2d.options", "groups must be positive, got %d", 0));
    assertEquals("Conv2d.options: groups must be positive, got 0", e.getMessage());
    assertEquals(
        "SGD: momentum must be finite, got NaN",
        assertThrows(
                IllegalArgumentException.class, () -> Check.finite("SGD", "momentum", Double.NaN))
            .getMessage());
    assertEquals(
        "DataLoader: batch size must be positive, got -1",
        assertThrows(
                IllegalArgumentException.class,
                () -> Check.positive("DataLoader", "batch size", -1))
            .getMessage());
    assertEquals(
        "Module.load: already loaded",
        assertThrows(
                IllegalStateException.class,
                () -> Check.state(false, "Module.load", "already loaded"))
            .getMessage());
  }

  @Test
  void passingChecksThrowNothingAndFormatsUseARootLocale() {
    assertDoesNotThrow(() -> Check.argument(true, "op", "%d", 1));
    assertDoesNotThrow(() -> Check.nonNegative("op", "x", 0));
    // A "%" in a message without arguments is not a format.
    assertEquals("op: 100% sure", Check.message("op", "100% sure"));
    java.util.Locale before = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.GERMANY);
      assertEquals("op: 0.500", Check.message("op", "%.3f", 0.5));
    } finally {
      java.util.Locale.setDefault(before);
    }
  }
}
