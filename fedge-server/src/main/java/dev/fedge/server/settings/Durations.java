package dev.fedge.server.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as settings write them: {@code 500ms}, {@code 120s}, {@code 5m}, {@code 1h}, plain seconds, or ISO-8601. */
public final class Durations {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  private Durations() {}

  /**
   * Parses a positive duration.
   *
   * @param value {@code 500ms}, {@code 120s}, {@code 5m}, {@code 1h}, {@code 90} (seconds) or
   *     {@code PT2M}
   * @return the duration
   * @throws IllegalArgumentException for anything else, or a duration that is not positive
   */
  public static Duration parse(String value) {
    String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(v);
    if (m.matches()) {
      double n = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      double millis = switch (unit) {
        case "ms" -> n;
        case "s" -> n * 1000;
        case "m" -> n * 60_000;
        default -> n * 3_600_000;
      };
      if (millis >= 1) {
        return Duration.ofMillis(Math.round(millis));
      }
    } else if (v.startsWith("pt")) {
      try {
        Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
        if (!d.isNegative() && !d.isZero()) {
          return d;
        }
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        "expected a positive duration like 500ms, 120s, 5m or 1h, got '" + value + "'");
  }

  /**
   * Writes a duration so that {@link #parse} reads it back: whole seconds as {@code 120s}, else
   * {@code 1500ms}.
   *
   * @param d the duration
   * @return its text
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
