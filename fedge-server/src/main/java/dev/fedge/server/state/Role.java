package dev.fedge.server.state;

import java.util.Locale;

/** What a project token may do: an owner and a member change things, a viewer only reads. */
public enum Role {
  /** Everything in its project, including its tokens. */
  OWNER,
  /** Starts and stops runs, moves model aliases. */
  MEMBER,
  /** Reads only. */
  VIEWER;

  /** Whether this role may change things (POST, PUT, DELETE). */
  public boolean canChange() {
    return this != VIEWER;
  }

  /** The role's name as the API spells it ({@code owner}, {@code member}, {@code viewer}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role of a name.
   *
   * @throws IllegalArgumentException naming the value when it is none of owner, member, viewer
   */
  public static Role of(String value) {
    for (Role r : values()) {
      if (r.id().equals(value)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "role must be owner, member or viewer, got '" + value + "'");
  }
}
