package dev.fedge.fleet;

import java.util.List;
import java.util.stream.Collectors;

/** Quoting for POSIX {@code sh}. */
public final class Shell {

  private Shell() {}

  /** A word that {@code sh} reads back as exactly {@code s}: {@code it's} becomes {@code 'it'\''s'}. */
  public static String quote(String s) {
    if (!s.isEmpty() && s.chars().allMatch(c -> (c < 128 && Character.isLetterOrDigit(c))
        || "@%+=:,./_-".indexOf(c) >= 0)) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Words quoted and joined with spaces. */
  public static String join(List<String> words) {
    return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
  }
}
