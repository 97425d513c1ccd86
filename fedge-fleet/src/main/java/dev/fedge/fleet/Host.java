package dev.fedge.fleet;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One host of an inventory with its effective variables (those of {@code all}, of its groups and
 * its own, merged as Ansible does: host variables win over child groups, child groups over parents).
 *
 * <p>The connection variables are read as Ansible reads them: {@code ansible_host} (default: the
 * name), {@code ansible_port} (default 22), {@code ansible_user} and {@code
 * ansible_ssh_private_key_file}; any other variable is metadata (for example {@code comment}).
 *
 * @param name the inventory name of the host, e.g. {@code rpi6404}
 * @param vars the effective variables, in no particular order
 * @param groups the names of the groups the host is in, directly or through children, including
 *     {@code all}
 */
public record Host(String name, Map<String, String> vars, List<String> groups) {

  /** Default SSH port. */
  public static final int DEFAULT_PORT = 22;

  /** Validates the name and the port variable, and copies the collections. */
  public Host {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("host name must not be blank");
    }
    vars = Map.copyOf(vars);
    groups = List.copyOf(groups);
    parsePort(name, vars);
  }

  /** A host with only a name and variables, in group {@code all}. */
  public static Host of(String name, Map<String, String> vars) {
    return new Host(name, vars, List.of("all"));
  }

  /** The address to connect to: {@code ansible_host}, else the name. */
  public String address() {
    return first("ansible_host", "ansible_ssh_host").orElse(name);
  }

  /** The SSH port: {@code ansible_port}, else 22. */
  public int port() {
    return parsePort(name, vars);
  }

  /** The login user from {@code ansible_user}, if set. */
  public Optional<String> user() {
    return first("ansible_user", "ansible_ssh_user");
  }

  /** The private key file from {@code ansible_ssh_private_key_file}, if set. */
  public Optional<String> privateKeyFile() {
    return first("ansible_ssh_private_key_file", "ansible_private_key_file");
  }

  /** A variable's value, if set. */
  public Optional<String> var(String key) {
    return Optional.ofNullable(vars.get(key));
  }

  private Optional<String> first(String key, String alias) {
    String v = vars.get(key);
    if (v == null || v.isBlank()) {
      v = vars.get(alias);
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  private static int parsePort(String name, Map<String, String> vars) {
    String v = vars.getOrDefault("ansible_port", vars.get("ansible_ssh_port"));
    if (v == null) {
      return DEFAULT_PORT;
    }
    return checkPort(v, "host " + name);
  }

  /**
   * Parses a port number.
   *
   * @param value the text
   * @param where names what the value belongs to, for the error message
   * @return the port, 1 to 65535
   * @throws IllegalArgumentException naming {@code ansible_port}, the place and the value
   */
  static int checkPort(String value, String where) {
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "ansible_port of " + where + " must be a number from 1 to 65535, got '" + value + "'");
  }
}
