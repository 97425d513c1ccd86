package dev.fedge.fleet;

import java.util.Objects;

/**
 * A directory on a host, as the user writes it: {@code ~/fedge} (in the login directory) or an
 * absolute path such as {@code /opt/fedge}.
 *
 * @param path the directory as given; {@code ~} or starting with {@code ~/} or {@code /}, or
 *     relative (to the login directory)
 */
public record RemoteDir(String path) {

  /** The default, {@code ~/fedge}. */
  public static final RemoteDir DEFAULT = new RemoteDir("~/fedge");

  /** Validates the path. */
  public RemoteDir {
    Objects.requireNonNull(path, "path");
    if (path.isBlank()) {
      throw new IllegalArgumentException("remote directory must not be blank");
    }
    if (path.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("remote directory must not hold control characters: '"
          + path.replace("\n", "\\n") + "'");
    }
    if (path.startsWith("~") && !path.equals("~") && !path.startsWith("~/")) {
      throw new IllegalArgumentException(
          "remote directory '" + path + "': only ~ and ~/... are understood, not ~user");
    }
  }

  /** The directory as a {@code sh} word: {@code "$HOME"/'fedge'}. */
  public String shell() {
    if (path.equals("~")) {
      return "\"$HOME\"";
    }
    if (path.startsWith("~/")) {
      return "\"$HOME\"/" + Shell.quote(path.substring(2));
    }
    if (!path.startsWith("/")) {
      return "\"$HOME\"/" + Shell.quote(path);
    }
    return Shell.quote(path);
  }

  /** A file in the directory as a {@code sh} word. */
  public String shell(String relative) {
    return shell() + "/" + Shell.quote(relative);
  }

  /**
   * A file in the directory as an SFTP path: relative paths are resolved by the SFTP server
   * against the login directory.
   */
  public String sftp(String relative) {
    String base;
    if (path.equals("~")) {
      base = ".";
    } else if (path.startsWith("~/")) {
      base = path.substring(2);
    } else {
      base = path;
    }
    while (base.endsWith("/") && base.length() > 1) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "/" + relative;
  }

  @Override
  public String toString() {
    return path;
  }
}
