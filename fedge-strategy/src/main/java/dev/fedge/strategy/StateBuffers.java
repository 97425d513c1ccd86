package dev.fedge.strategy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks and copies the buffers of a server-side optimiser's state ({@code Strategy#state()}):
 * every name known, every buffer present, finite and of one length.
 */
final class StateBuffers {

  private StateBuffers() {}

  /**
   * The buffers given, copied, in the order of {@code names}; null buffers are left out.
   *
   * @param names buffer names
   * @param buffers the buffers, in the same order
   * @return the state
   */
  static Map<String, float[]> copyOf(String[] names, float[]... buffers) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (buffers[i] != null) {
        m.put(names[i], buffers[i].clone());
      }
    }
    return m;
  }

  /**
   * Checks a state to restore.
   *
   * @param strategy the strategy's name, for messages
   * @param state the buffers
   * @param required names that must be there
   * @param allowed names that may be there
   * @return copies of the buffers, by name
   * @throws IllegalArgumentException naming the first problem
   */
  static Map<String, float[]> check(
      String strategy, Map<String, float[]> state, Set<String> required, Set<String> allowed) {
    for (String name : state.keySet()) {
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(
            strategy + ": unknown state buffer '" + name + "'; expected " + new TreeSet<>(allowed));
      }
    }
    int length = -1;
    Map<String, float[]> copy = new LinkedHashMap<>();
    for (String name : new TreeSet<>(allowed)) {
      float[] b = state.get(name);
      if (b == null) {
        if (required.contains(name)) {
          throw new IllegalArgumentException(strategy + ": state buffer '" + name + "' is missing");
        }
        continue;
      }
      if (length >= 0 && b.length != length) {
        throw new IllegalArgumentException(
            strategy + ": state buffers differ in length (" + length + " and " + b.length + ")");
      }
      length = b.length;
      for (int i = 0; i < b.length; i++) {
        if (!Float.isFinite(b[i])) {
          throw new IllegalArgumentException(
              strategy + ": state buffer '" + name + "' has a non-finite value at " + i);
        }
      }
      copy.put(name, b.clone());
    }
    return copy;
  }

  /**
   * The error for restored buffers that do not fit the model.
   *
   * @param strategy the strategy's name
   * @param buffer length of the restored buffers
   * @param model number of model parameters
   * @return the exception
   */
  static IllegalStateException mismatch(String strategy, int buffer, int model) {
    return new IllegalStateException(
        String.format(
            java.util.Locale.ROOT,
            "%s: the restored state has %,d values per buffer, but the model has %,d parameters",
            strategy,
            buffer,
            model));
  }
}
