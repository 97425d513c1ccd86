package dev.fedge.server.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A project's device enroll token (its secret is never stored): a device that registers with it
 * joins the project.
 *
 * @param project the project a device joins
 * @param name what it is for, unique in the project
 * @param created when it was issued
 * @param revoked when it was revoked, or null while it is valid
 */
public record EnrollTokenRecord(String project, String name, Instant created, Instant revoked) {

  /** Prefix of every enroll token's secret, so that one is told apart from an API token. */
  public static final String SECRET_PREFIX = "fde_";

  /** Validates. */
  public EnrollTokenRecord {
    ProjectRecord.checkName(project);
    if (name == null || name.isBlank() || name.length() > 100) {
      throw new IllegalArgumentException(
          "enroll token name must be 1 to 100 characters, got '" + name + "'");
    }
    Objects.requireNonNull(created, "created");
  }

  /** Whether it still enrolls devices. */
  public boolean valid() {
    return revoked == null;
  }

  /**
   * An enroll token just issued, with its secret (shown once).
   *
   * @param token the record
   * @param secret the secret a device presents with {@code --enroll-token}
   */
  public record Issued(EnrollTokenRecord token, String secret) {}
}
