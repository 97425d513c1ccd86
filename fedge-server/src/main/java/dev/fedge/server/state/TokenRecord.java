package dev.fedge.server.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A project token as stored: never its secret.
 *
 * @param project the project it opens
 * @param name what it is for, unique in the project
 * @param role what it may do
 * @param created when it was issued
 * @param revoked when it was revoked, or null while it is valid
 */
public record TokenRecord(
    String project, String name, Role role, Instant created, Instant revoked) {

  /** Validates. */
  public TokenRecord {
    ProjectRecord.checkName(project);
    checkName(name);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(created, "created");
  }

  /** Whether it still opens its project. */
  public boolean valid() {
    return revoked == null;
  }

  /**
   * Checks a token name.
   *
   * @throws IllegalArgumentException naming the value when it is not 1..64 letters, digits, '.',
   *     '-' or '_'
   */
  public static String checkName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "token name must be 1..64 letters, digits, '.', '-' or '_', got '" + name + "'");
    }
    return name;
  }
}
