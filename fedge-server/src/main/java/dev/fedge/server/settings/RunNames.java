package dev.fedge.server.settings;

import java.util.Locale;

/** The one clean-up of run names: what simulate, the server and the API do to make a run's name. */
public final class RunNames {

  private RunNames() {}

  /**
   * A name that is safe as a folder name and a model store name: every character but letters,
   * digits, {@code .}, {@code _} and {@code -} becomes {@code _}, letters are lower-cased, and a
   * name that does not start with a letter or digit gets {@code run-} in front.
   *
   * @param raw the name made from the settings (e.g. {@code fashion-mnist-fedavg-iid-s42})
   * @return the clean name
   */
  public static String clean(String raw) {
    String name = raw.replaceAll("[^A-Za-z0-9._-]", "_").toLowerCase(Locale.ROOT);
    if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
      name = "run-" + name;
    }
    return name;
  }
}
