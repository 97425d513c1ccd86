package dev.fedge.server.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A project: a tenant of the server.
 *
 * @param name its name, letters, digits, '-' and '_' (1..64)
 * @param quotaBytes the model store quota in bytes, or 0 for none
 * @param created when it was created
 */
public record ProjectRecord(String name, long quotaBytes, Instant created) {

  /** The project that everything from before projects belongs to. */
  public static final String DEFAULT = "default";

  /** Validates. */
  public ProjectRecord {
    checkName(name);
    if (quotaBytes < 0) {
      throw new IllegalArgumentException(
          "project '" + name + "': quota must be >= 0 bytes, got " + quotaBytes);
    }
    Objects.requireNonNull(created, "created");
  }

  /**
   * Checks a project name.
   *
   * @throws IllegalArgumentException naming the value when it is not 1..64 letters, digits, '-'
   *     or '_' starting with a letter or digit
   */
  public static String checkName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
      throw new IllegalArgumentException(
          "project name must be 1..64 letters, digits, '-' or '_' (starting with a letter or"
              + " digit), got '" + name + "'");
    }
    return name;
  }
}
