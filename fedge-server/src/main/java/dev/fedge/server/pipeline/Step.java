package dev.fedge.server.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The steps of a run spec, in the only order they run in. */
public enum Step {
  /** Devices of the named classes are online (bounded wait). */
  CHECK,
  /** Each device holds the run's data set. */
  DATA,
  /** The rounds: the run itself. */
  TRAIN,
  /** The final and best round's central evaluation, and the devices' own. */
  EVALUATE,
  /** An alias of the project names the best or last round, which the prediction endpoint serves. */
  SERVE;

  /** Every step in order. */
  public static final List<Step> ALL = List.of(values());

  /** The step's name in a spec and in the state: {@code check}, {@code data}, ... */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The step of a name.
   *
   * @param name as a spec writes it
   * @return the step
   * @throws IllegalArgumentException naming the value and the known steps
   */
  public static Step of(String name) {
    for (Step s : values()) {
      if (s.id().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("steps: unknown step '" + name + "' (known: " + names() + ")");
  }

  /** The names of all steps, comma separated. */
  static String names() {
    return String.join(", ", Arrays.stream(values()).map(Step::id).toList());
  }
}
