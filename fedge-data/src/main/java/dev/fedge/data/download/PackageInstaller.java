package dev.fedge.data.download;

/** Installs a system package that holds a data set (Debian's {@code dataset-fashion-mnist}). */
public interface PackageInstaller {

  /**
   * Installs a package if this machine can, without prompting.
   *
   * @param pkg the package name
   * @param why the data set it is for, the start of any line said
   * @return true when the package is now installed; false when it cannot be (no package manager,
   *     no rights, or the install failed, which has then been said in one line)
   */
  boolean install(String pkg, String why);

  /** An installer that never installs anything. */
  static PackageInstaller none() {
    return (pkg, why) -> false;
  }
}
