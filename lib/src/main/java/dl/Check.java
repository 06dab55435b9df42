package dl;

import java.util.Locale;

/**
 * The library's one way to reject bad input: every message starts with the operation, then says
 * what was expected and what it got, on one line. For example
 *
 * <pre>{@code
 * Check.argument(groups > 0, "Conv2d.options", "groups must be positive, got %d", groups);
 * // IllegalArgumentException: Conv2d.options: groups must be positive, got 0
 * }</pre>
 *
 * <p>Formats use {@link String#format} in the root locale (so {@code %.3g} always prints a point).
 * The message is built only when the check fails.
 */
public final class Check {
  private Check() {}

  /** Throws {@link IllegalArgumentException} "op: message" unless {@code ok}. */
  public static void argument(boolean ok, String op, String format, Object... args) {
    if (!ok) throw badArgument(op, format, args);
  }

  /** Throws {@link IllegalStateException} "op: message" unless {@code ok}. */
  public static void state(boolean ok, String op, String format, Object... args) {
    if (!ok) throw new IllegalStateException(message(op, format, args));
  }

  /** {@code value > 0}, else "op: name must be positive, got value". */
  public static void positive(String op, String name, long value) {
    if (value <= 0) throw badArgument(op, "%s must be positive, got %d", name, value);
  }

  /** {@code value >= 0}, else "op: name must be non-negative, got value". */
  public static void nonNegative(String op, String name, long value) {
    if (value < 0) throw badArgument(op, "%s must be non-negative, got %d", name, value);
  }

  /** A finite {@code value}, else "op: name must be finite, got value". */
  public static void finite(String op, String name, double value) {
    if (!Double.isFinite(value)) throw badArgument(op, "%s must be finite, got %s", name, value);
  }

  /**
   * The exception for a failure found some other way (for throw sites whose condition does not fit
   * one expression): {@code throw Check.badArgument("op", "…, got %s", x);}.
   */
  public static IllegalArgumentException badArgument(String op, String format, Object... args) {
    return new IllegalArgumentException(message(op, format, args));
  }

  /** "op: formatted message". */
  public static String message(String op, String format, Object... args) {
    return op + ": " + (args.length == 0 ? format : String.format(Locale.ROOT, format, args));
  }
}
