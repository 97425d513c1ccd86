package dev.fedge.server.store;

import java.util.regex.Pattern;

/**
 * Where a global model lives in the registry: {@code group/project/round}.
 *
 * @param group a team or lab, e.g. {@code lab}
 * @param project a project, e.g. {@code fmnist}
 * @param round the round that produced the model (0 = initial)
 */
public record ModelKey(String group, String project, int round) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** Validates names (letters, digits, dot, dash, underscore) and the round. */
  public ModelKey {
    checkName("group", group);
    checkName("project", project);
    if (round < 0) {
      throw new IllegalArgumentException("model round must be >= 0, got " + round);
    }
  }

  /** Checks a group or project name. */
  public static void checkName(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what + " must be letters, digits, '.', '-' or '_' (not starting with a symbol), got '"
              + value + "'");
    }
  }

  @Override
  public String toString() {
    return group + "/" + project + "/" + round;
  }
}
