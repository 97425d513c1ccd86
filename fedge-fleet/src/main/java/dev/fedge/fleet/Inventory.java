package dev.fedge.fleet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An Ansible inventory: hosts in file order and groups by name, including the implicit {@code all}
 * and {@code ungrouped}. Read one with {@link InventoryParser}; pick hosts with {@link
 * #select(String)}.
 *
 * @param source where the inventory came from (a file name), used in messages
 * @param hosts every host, in the order it first appears
 * @param groups every group by name, in the order it first appears
 */
public record Inventory(String source, List<Host> hosts, Map<String, Group> groups) {

  /** Name of the group of every host. */
  public static final String ALL = "all";

  /** Name of the group of hosts that are in no other group. */
  public static final String UNGROUPED = "ungrouped";

  /** Copies the collections, keeping their order, and checks that host names are unique. */
  public Inventory {
    Objects.requireNonNull(source, "source");
    hosts = List.copyOf(hosts);
    groups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    Set<String> names = new LinkedHashSet<>();
    for (Host h : hosts) {
      if (!names.add(h.name())) {
        throw new IllegalArgumentException("host '" + h.name() + "' is listed twice in " + source);
      }
    }
  }

  /** Reads an inventory file; see {@link InventoryParser#parse(Path)}. */
  public static Inventory read(Path file) throws java.io.IOException {
    return InventoryParser.parse(file);
  }

  /** The host with this name, if any. */
  public Optional<Host> host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
  }

  /** The hosts of a group, directly or through its children, in inventory order. */
  public List<Host> hostsOf(String group) {
    if (!groups.containsKey(group)) {
      throw new IllegalArgumentException("no group '" + group + "' in " + source);
    }
    Set<String> names = new LinkedHashSet<>();
    collect(group, names, new LinkedHashSet<>());
    return hosts.stream().filter(h -> names.contains(h.name())).toList();
  }

  private void collect(String group, Set<String> names, Set<String> seen) {
    if (!seen.add(group)) {
      return;
    }
    if (group.equals(ALL)) {
      hosts.forEach(h -> names.add(h.name()));
      return;
    }
    Group g = groups.get(group);
    names.addAll(g.hosts());
    for (String child : g.children()) {
      collect(child, names, seen);
    }
  }

  /**
   * The hosts a limit pattern selects, as Ansible's {@code --limit} does, in inventory order.
   *
   * <p>The pattern is a list of terms separated by commas (or colons): a host name, a group name,
   * {@code all} or {@code *}, a glob with {@code *} and {@code ?} over host and group names, or
   * {@code ~regex}. A term starting with {@code !} excludes its hosts, one starting with {@code &}
   * keeps only hosts that are also in it. Example: {@code rpi,jetson,!rpi6405}.
   *
   * @param pattern the pattern; {@code null} or blank selects every host
   * @return the selected hosts, never empty
   * @throws IllegalArgumentException when a term matches no host or group, or nothing is selected
   */
  public List<Host> select(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      return hosts;
    }
    String[] terms = pattern.contains(",") ? pattern.split(",") : pattern.split(":");
    Set<String> union = new LinkedHashSet<>();
    List<Set<String>> intersections = new ArrayList<>();
    Set<String> excluded = new LinkedHashSet<>();
    boolean anyPositive = false;
    for (String raw : terms) {
      String term = raw.trim();
      if (term.isEmpty()) {
        continue;
      }
      if (term.startsWith("!")) {
        excluded.addAll(match(term.substring(1), pattern));
      } else if (term.startsWith("&")) {
        intersections.add(match(term.substring(1), pattern));
      } else {
        anyPositive = true;
        union.addAll(match(term, pattern));
      }
    }
    if (!anyPositive) {
      hosts.forEach(h -> union.add(h.name()));
    }
    intersections.forEach(union::retainAll);
    union.removeAll(excluded);
    List<Host> selected = hosts.stream().filter(h -> union.contains(h.name())).toList();
    if (selected.isEmpty()) {
      throw new IllegalArgumentException(
          "--limit '" + pattern + "' selects no host of " + source);
    }
    return selected;
  }

  private Set<String> match(String term, String pattern) {
    Set<String> names = new LinkedHashSet<>();
    if (term.equals(ALL) || term.equals("*")) {
      hosts.forEach(h -> names.add(h.name()));
      return names;
    }
    Pattern regex = null;
    if (term.startsWith("~")) {
      try {
        regex = Pattern.compile(term.substring(1));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "--limit '" + pattern + "': bad regular expression '" + term + "': "
                + e.getDescription());
      }
    } else if (term.contains("*") || term.contains("?")) {
      regex = Pattern.compile(globToRegex(term));
    }
    for (Host h : hosts) {
      if (regex == null ? h.name().equals(term) : regex.matcher(h.name()).matches()) {
        names.add(h.name());
      }
    }
    for (String g : groups.keySet()) {
      if (regex == null ? g.equals(term) : regex.matcher(g).matches()) {
        hostsOf(g).forEach(h -> names.add(h.name()));
      }
    }
    if (names.isEmpty() && !(regex == null && groups.containsKey(term))) {
      throw new IllegalArgumentException(
          "--limit '" + pattern + "': '" + term + "' matches no host or group in " + source);
    }
    return names;
  }

  private static String globToRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> sb.append(".*");
        case '?' -> sb.append('.');
        default -> sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return sb.toString();
  }
}
