package dev.fedge.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text rules of an INI inventory line, for {@link InventoryParser}: shell-like words with
 * quotes and comments, quoted values, {@code host:port} and Ansible host ranges. Each rule that can
 * fail takes the parser's error factory, so its message names the file and line.
 */
final class InventoryText {

  private static final Pattern RANGE = Pattern.compile("\\[([A-Za-z0-9]+):([A-Za-z0-9]+)(?::(\\d+))?]");

  private InventoryText() {}

  /** The index of the only ':' outside [ranges], or -1 (none, or an IPv6 address). */
  static int colonOutsideBrackets(String pattern) {
    int found = -1;
    int depth = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      } else if (c == ':' && depth == 0) {
        if (found >= 0) {
          return -1;
        }
        found = i;
      }
    }
    return found;
  }

  /** Splits a line like POSIX shlex with comments: quotes group, '#' at a word start ends. */
  static List<String> tokenize(String text, Function<String, IllegalArgumentException> error) {
    List<String> tokens = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < text.length()
            && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
          cur.append(text.charAt(++i));
        } else {
          cur.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          tokens.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
      } else if (c == '#' && !inWord) {
        break;
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < text.length()) {
        cur.append(text.charAt(++i));
        inWord = true;
      } else {
        cur.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw error.apply("unterminated " + (quote == '"' ? "double" : "single") + " quote");
    }
    if (inWord) {
      tokens.add(cur.toString());
    }
    return tokens;
  }

  static String unquote(String v) {
    if (v.length() >= 2
        && (v.charAt(0) == '"' || v.charAt(0) == '\'')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  /** Expands Ansible host ranges: {@code web[01:03]}, {@code db-[a:c]}, {@code n[0:10:5]}. */
  static List<String> expand(String pattern, Function<String, IllegalArgumentException> error) {
    Matcher m = RANGE.matcher(pattern);
    if (!m.find()) {
      return List.of(pattern);
    }
    String head = pattern.substring(0, m.start());
    String tail = pattern.substring(m.end());
    String from = m.group(1);
    String to = m.group(2);
    int stride = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
    if (stride <= 0) {
      throw error.apply("bad stride in host range '" + m.group() + "'");
    }
    List<String> items = new ArrayList<>();
    if (from.chars().allMatch(Character::isDigit) && to.chars().allMatch(Character::isDigit)) {
      int a = Integer.parseInt(from);
      int b = Integer.parseInt(to);
      if (a > b || b - a > 100_000) {
        throw error.apply("bad host range '" + m.group() + "'");
      }
      String fmt = from.length() > 1 && from.startsWith("0") ? "%0" + from.length() + "d" : "%d";
      for (int i = a; i <= b; i += stride) {
        items.add(String.format(fmt, i));
      }
    } else if (from.length() == 1 && to.length() == 1 && Character.isLetter(from.charAt(0))
        && Character.isLetter(to.charAt(0)) && from.charAt(0) <= to.charAt(0)) {
      for (char c = from.charAt(0); c <= to.charAt(0); c += (char) stride) {
        items.add(String.valueOf(c));
      }
    } else {
      throw error.apply("bad host range '" + m.group() + "'");
    }
    List<String> names = new ArrayList<>();
    for (String item : items) {
      names.addAll(expand(head + item + tail, error));
    }
    return names;
  }
}
