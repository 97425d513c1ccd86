package dev.fedge.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An open map of settings that travels from the server to clients with each instruction (local
 * epochs, learning rate, FedProx's {@code proximal_mu}, ...), like Flower's config dict.
 *
 * <p>Values are {@link String}, {@link Long}, {@link Double} or {@link Boolean}; integers are
 * normalised to {@code Long} and floats to {@code Double}. Typed getters convert between numbers
 * and parse strings, and name the key and value when they cannot.
 *
 * @param values the settings, sorted by key
 */
public record Config(Map<String, Object> values) {

  private static final Config EMPTY = new Config(Map.of());

  /** Validates value types and copies the map. */
  public Config {
    Map<String, Object> copy = new TreeMap<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      copy.put(e.getKey(), normalise(e.getKey(), e.getValue()));
    }
    values = java.util.Collections.unmodifiableMap(copy);
  }

  private static Object normalise(String key, Object v) {
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof Long || v instanceof Double || v instanceof String || v instanceof Boolean) {
      return v;
    }
    throw new IllegalArgumentException(
        "config '" + key + "': unsupported value type " + (v == null ? "null" : v.getClass()));
  }

  /** The empty config. */
  public static Config empty() {
    return EMPTY;
  }

  /** A config from alternating keys and values. */
  public static Config of(Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("Config.of needs key/value pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new Config(m);
  }

  /** A copy with one more (or a replaced) entry. */
  public Config with(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(key, value);
    return new Config(m);
  }

  /** A copy with every entry of {@code other} added, {@code other} winning. */
  public Config merge(Config other) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.putAll(other.values);
    return new Config(m);
  }

  /** Whether the key is present. */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The value as a string, or the default when absent. */
  public String getString(String key, String dflt) {
    Object v = values.get(key);
    return v == null ? dflt : v.toString();
  }

  /** The value as a double, or the default when absent. */
  public double getDouble(String key, double dflt) {
    Object v = values.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config '" + key + "': expected a number, got '" + v + "'");
    }
  }

  /** The value as a long, or the default when absent. */
  public long getLong(String key, long dflt) {
    Object v = values.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d && d == Math.rint(d)) {
      return d.longValue();
    }
    try {
      return Long.parseLong(v.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "config '" + key + "': expected an integer, got '" + v + "'");
    }
  }

  /** The value as an int, or the default when absent. */
  public int getInt(String key, int dflt) {
    return Math.toIntExact(getLong(key, dflt));
  }

  /** The value as a boolean, or the default when absent. */
  public boolean getBoolean(String key, boolean dflt) {
    Object v = values.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().toLowerCase(java.util.Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException("config '" + key + "': expected true or false, got '" + v + "'");
  }
}
