package dev.fedge.web;

import dev.fedge.server.state.ProjectRecord;
import dev.fedge.server.state.Role;

/**
 * Who sent a request: the administrator (the server's API token), or a project token.
 *
 * @param project the project whose things the caller sees, or null for the administrator
 * @param role what a project token may do; null for the administrator
 * @param name the token's name, "admin" for the administrator
 */
record Caller(String project, Role role, String name) {

  /** The administrator: sees and changes everything. */
  static final Caller ADMIN = new Caller(null, null, "admin");

  /** Context attribute that holds the request's caller. */
  static final String ATTRIBUTE = "fedge.caller";

  boolean admin() {
    return project == null;
  }

  /** Whether the caller sees what belongs to a project. */
  boolean sees(String owner) {
    return admin() || project.equals(owner == null ? ProjectRecord.DEFAULT : owner);
  }
}
