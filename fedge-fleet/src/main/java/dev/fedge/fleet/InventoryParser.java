package dev.fedge.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Ansible inventories in the INI format, unchanged: {@code [group]}, {@code [group:vars]} and
 * {@code [group:children]} sections; host lines with {@code key=value} variables (values may be
 * quoted and hold spaces); lines starting with {@code #} or {@code ;} are comments, as is anything
 * after a {@code #} that starts a word; indentation is ignored; host ranges such as {@code
 * web[01:20]} and {@code host:port} are expanded. Hosts listed before any section, or only in
 * groups they are not really in, end up in {@code ungrouped}; every host is in {@code all}.
 *
 * <p>A malformed line is an {@link IllegalArgumentException} whose one-line message names the
 * file, the line number, what is wrong and the line, e.g. {@code hosts.ini:7: expected key=value
 * after host 'rpi6404', got 'dtap' in: rpi6404 dtap}.
 */
public final class InventoryParser {

  private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Set<String> PORT_KEYS = Set.of("ansible_port", "ansible_ssh_port");

  private InventoryParser() {}

  /**
   * Reads an inventory file.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming file and line when a line is malformed
   */
  public static Inventory parse(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("inventory file not found: " + file);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException("inventory file " + file + " is not UTF-8 text");
    }
    return parse(file.toString(), lines);
  }

  /**
   * Parses inventory text.
   *
   * @param source the name used in messages (usually the file name)
   * @param lines the lines of the file
   * @throws IllegalArgumentException naming source and line when a line is malformed
   */
  public static Inventory parse(String source, List<String> lines) {
    return new Builder(source).parse(lines);
  }

  private enum Kind {
    HOSTS,
    VARS,
    CHILDREN
  }

  /** Mutable state of one parse. */
  private static final class Builder {
    private final String source;
    private final Map<String, Map<String, String>> hostVars = new LinkedHashMap<>();
    private final Map<String, Set<String>> groupHosts = new LinkedHashMap<>();
    private final Map<String, Set<String>> groupChildren = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> groupVars = new LinkedHashMap<>();
    private final Map<String, Integer> groupLine = new HashMap<>();
    private int lineNo;
    private String line;

    Builder(String source) {
      this.source = source;
      group(Inventory.ALL);
      group(Inventory.UNGROUPED);
    }

    Inventory parse(List<String> lines) {
      String group = Inventory.UNGROUPED;
      Kind kind = Kind.HOSTS;
      for (lineNo = 1; lineNo <= lines.size(); lineNo++) {
        line = lines.get(lineNo - 1);
        String text = line.strip();
        if (lineNo == 1 && text.startsWith("\uFEFF")) {
          text = text.substring(1).strip();
        }
        if (text.isEmpty() || text.startsWith("#") || text.startsWith(";")) {
          continue;
        }
        if (text.startsWith("[")) {
          int end = text.indexOf(']');
          if (end < 0) {
            throw error("section header is missing its closing ']'");
          }
          String rest = text.substring(end + 1).strip();
          if (!rest.isEmpty() && !rest.startsWith("#") && !rest.startsWith(";")) {
            throw error("unexpected text after section header: '" + rest + "'");
          }
          String header = text.substring(1, end).strip();
          int colon = header.indexOf(':');
          String name = colon < 0 ? header : header.substring(0, colon);
          String suffix = colon < 0 ? "" : header.substring(colon + 1);
          kind = switch (suffix) {
            case "" -> Kind.HOSTS;
            case "vars" -> Kind.VARS;
            case "children" -> Kind.CHILDREN;
            default -> throw error(
                "unknown section type ':" + suffix + "' (expected :vars or :children)");
          };
          checkGroupName(name);
          group = name;
          group(name);
          groupLine.putIfAbsent(name, lineNo);
          continue;
        }
        switch (kind) {
          case HOSTS -> hostLine(group, text);
          case VARS -> varLine(group, text);
          case CHILDREN -> childLine(group, text);
          default -> throw new IllegalStateException(kind.toString());
        }
      }
      lineNo = 0;
      return build();
    }

    private void hostLine(String group, String text) {
      List<String> tokens = InventoryText.tokenize(text, this::error);
      if (tokens.isEmpty()) {
        return;
      }
      String pattern = tokens.get(0);
      if (pattern.contains("=")) {
        throw error("expected a host name before the variables, got '" + pattern + "'");
      }
      Map<String, String> vars = new LinkedHashMap<>();
      String port = null;
      // host:port (not an IPv6 address, which has more than one colon)
      int colon = InventoryText.colonOutsideBrackets(pattern);
      if (colon > 0) {
        port = pattern.substring(colon + 1);
        pattern = pattern.substring(0, colon);
        vars.put("ansible_port", checkPort(port));
      }
      for (String token : tokens.subList(1, tokens.size())) {
        int eq = token.indexOf('=');
        if (eq <= 0) {
          throw error("expected key=value after host '" + pattern + "', got '" + token + "'");
        }
        String key = token.substring(0, eq);
        String value = token.substring(eq + 1);
        if (PORT_KEYS.contains(key)) {
          value = checkPort(value);
        }
        vars.put(key, value);
      }
      for (String name : InventoryText.expand(pattern, this::error)) {
        if (name.isBlank() || name.contains("[") || name.contains("]")) {
          throw error("bad host name '" + name + "'");
        }
        hostVars.computeIfAbsent(name, k -> new LinkedHashMap<>()).putAll(vars);
        groupHosts.get(group).add(name);
      }
    }

    private void varLine(String group, String text) {
      int eq = text.indexOf('=');
      if (eq <= 0) {
        throw error("expected key=value in [" + group + ":vars]");
      }
      String key = text.substring(0, eq).strip();
      if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) {
        throw error("bad variable name '" + key + "' in [" + group + ":vars]");
      }
      String value = InventoryText.unquote(text.substring(eq + 1).strip());
      if (PORT_KEYS.contains(key)) {
        value = checkPort(value);
      }
      groupVars.get(group).put(key, value);
    }

    private void childLine(String group, String text) {
      List<String> tokens = InventoryText.tokenize(text, this::error);
      if (tokens.isEmpty()) {
        return;
      }
      if (tokens.size() > 1) {
        throw error("expected one group name per line in [" + group + ":children]");
      }
      String child = tokens.get(0);
      checkGroupName(child);
      if (child.equals(Inventory.ALL)) {
        throw error("'all' cannot be a child group");
      }
      group(child);
      groupLine.putIfAbsent(child, lineNo);
      groupChildren.get(group).add(child);
    }

    private void group(String name) {
      groupHosts.putIfAbsent(name, new LinkedHashSet<>());
      groupChildren.putIfAbsent(name, new LinkedHashSet<>());
      groupVars.putIfAbsent(name, new LinkedHashMap<>());
    }

    private void checkGroupName(String name) {
      if (!GROUP_NAME.matcher(name).matches()) {
        throw error("bad group name '" + name + "' (letters, digits, '_', '-' and '.' only)");
      }
    }

    private String checkPort(String value) {
      try {
        return Integer.toString(Host.checkPort(value, "this line"));
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage());
      }
    }

    private Inventory build() {
      Map<String, Integer> depth = depths();
      // ungrouped: hosts in no group but all/ungrouped
      Set<String> grouped = new LinkedHashSet<>();
      groupHosts.forEach(
          (g, hs) -> {
            if (!g.equals(Inventory.ALL) && !g.equals(Inventory.UNGROUPED)) {
              grouped.addAll(hs);
            }
          });
      Set<String> ungrouped = groupHosts.get(Inventory.UNGROUPED);
      ungrouped.removeAll(grouped);
      for (String h : hostVars.keySet()) {
        if (!grouped.contains(h)) {
          ungrouped.add(h);
        }
      }
      Map<String, Group> groups = new LinkedHashMap<>();
      for (String g : groupHosts.keySet()) {
        groups.put(
            g,
            new Group(
                g,
                new ArrayList<>(groupHosts.get(g)),
                new ArrayList<>(groupChildren.get(g)),
                groupVars.get(g)));
      }
      List<Host> hosts = new ArrayList<>();
      for (Map.Entry<String, Map<String, String>> e : hostVars.entrySet()) {
        String name = e.getKey();
        List<String> memberOf = new ArrayList<>();
        for (String g : groups.keySet()) {
          if (contains(g, name, new LinkedHashSet<>())) {
            memberOf.add(g);
          }
        }
        memberOf.sort(
            Comparator.<String>comparingInt(g -> depth.getOrDefault(g, 0))
                .thenComparing(Comparator.naturalOrder()));
        Map<String, String> vars = new HashMap<>();
        for (String g : memberOf) {
          vars.putAll(groupVars.get(g));
        }
        vars.putAll(e.getValue());
        try {
          hosts.add(new Host(name, vars, memberOf));
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException(source + ": " + ex.getMessage());
        }
      }
      return new Inventory(source, hosts, groups);
    }

    private boolean contains(String group, String host, Set<String> seen) {
      if (group.equals(Inventory.ALL)) {
        return true;
      }
      if (!seen.add(group)) {
        return false;
      }
      if (groupHosts.get(group).contains(host)) {
        return true;
      }
      for (String child : groupChildren.get(group)) {
        if (contains(child, host, seen)) {
          return true;
        }
      }
      return false;
    }

    /** Depth of each group below {@code all} (longest path); fails on cycles. */
    private Map<String, Integer> depths() {
      Map<String, Integer> depth = new HashMap<>();
      depth.put(Inventory.ALL, 0);
      for (String g : groupHosts.keySet()) {
        depthOf(g, depth, new LinkedHashSet<>());
      }
      return depth;
    }

    private int depthOf(String group, Map<String, Integer> depth, Set<String> path) {
      Integer known = depth.get(group);
      if (known != null) {
        return known;
      }
      if (!path.add(group)) {
        throw new IllegalArgumentException(
            source + ":" + groupLine.getOrDefault(group, 0) + ": group '" + group
                + "' is its own ancestor through [:children]: " + String.join(" -> ", path)
                + " -> " + group);
      }
      int d = 1;
      for (Map.Entry<String, Set<String>> e : groupChildren.entrySet()) {
        if (e.getValue().contains(group) && !e.getKey().equals(Inventory.ALL)) {
          d = Math.max(d, depthOf(e.getKey(), depth, path) + 1);
        }
      }
      path.remove(group);
      depth.put(group, d);
      return d;
    }

    private IllegalArgumentException error(String problem) {
      return new IllegalArgumentException(
          source + ":" + lineNo + ": " + problem + " in: " + line.strip());
    }
  }
}
