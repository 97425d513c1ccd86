package dev.fedge.fleet;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One group of an inventory as written: its own hosts, its child groups and its variables.
 *
 * @param name the group name, e.g. {@code rpi}; {@code all} and {@code ungrouped} always exist
 * @param hosts the names of the hosts listed directly in the group, in file order
 * @param children the names of the child groups from {@code [name:children]}, in file order
 * @param vars the variables from {@code [name:vars]}
 */
public record Group(
    String name, List<String> hosts, List<String> children, Map<String, String> vars) {

  /** Validates the name and copies the collections. */
  public Group {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("group name must not be blank");
    }
    hosts = List.copyOf(hosts);
    children = List.copyOf(children);
    vars = Map.copyOf(vars);
  }
}
