package dev.fedge.strategy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A strategy's {@code key=value} options as given on the command line or in a config file, with
 * typed getters whose errors name the strategy, the option and the value; and the range checks the
 * strategies' constructors share.
 */
final class StrategyOptions {

  private final String strategy;
  private final Map<String, String> values;

  StrategyOptions(String strategy, Map<String, String> values, List<String> known) {
    this.strategy = strategy;
    this.values = values;
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "strategy '" + strategy + "': unknown option '" + e.getKey() + "'; "
                + (known.isEmpty()
                    ? strategy + " takes no options"
                    : "known options: " + String.join(", ", known)));
      }
      if (e.getValue() == null || e.getValue().isBlank()) {
        throw new IllegalArgumentException(
            "strategy '" + strategy + "': option '" + e.getKey() + "' has no value");
      }
    }
  }

  /** A finite number, or the default when absent. */
  double number(String key, double dflt) {
    String v = values.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(v.strip());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "strategy '" + strategy + "': option '" + key + "' must be a number, got '" + v + "'");
  }

  /** An integer, or the default when absent. */
  int integer(String key, int dflt) {
    String v = values.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "strategy '" + strategy + "': option '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  /** A string, or the default when absent. */
  String string(String key, String dflt) {
    String v = values.get(key);
    return v == null ? dflt : v.strip();
  }

  /** Whether the option was given. */
  boolean has(String key) {
    return values.containsKey(key);
  }

  // ------------------------------------------------------------ checks shared by the constructors

  static double atLeast(String strategy, String option, double value, double min) {
    if (!(value >= min) || Double.isInfinite(value)) {
      throw bad(strategy, option, "must be >= " + min, value);
    }
    return value;
  }

  static double positive(String strategy, String option, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw bad(strategy, option, "must be > 0", value);
    }
    return value;
  }

  /** In [lo, hi). */
  static double inRange(String strategy, String option, double value, double lo, double hi) {
    if (!(value >= lo && value < hi)) {
      throw bad(strategy, option, "must be in [" + lo + ", " + hi + ")", value);
    }
    return value;
  }

  static Pattern regex(String strategy, String option, String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          strategy + ": option '" + option + "' is not a valid regular expression: '" + value
              + "' (" + e.getDescription() + " at index " + e.getIndex() + ")");
    }
  }

  /**
   * One of an enum's constants by its lower-case name.
   *
   * @param strategy the strategy, for the message
   * @param option the option, for the message
   * @param value the option's value
   * @param type the enum
   * @param <E> its type
   * @return the constant named {@code value}
   * @throws IllegalArgumentException naming the option, the choices and the value
   */
  static <E extends Enum<E>> E choice(String strategy, String option, String value, Class<E> type) {
    java.util.List<String> labels = new java.util.ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String label = e.name().toLowerCase(java.util.Locale.ROOT);
      if (label.equals(value)) {
        return e;
      }
      labels.add(label);
    }
    throw new IllegalArgumentException(strategy + ": option '" + option + "' must be "
        + String.join(" or ", labels) + ", got '" + value + "'");
  }

  static IllegalArgumentException bad(String strategy, String option, String rule, Object value) {
    return new IllegalArgumentException(
        strategy + ": option '" + option + "' " + rule + ", got " + value);
  }
}
