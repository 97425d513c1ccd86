package dev.fedge.fleet;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A platform fedge ships a PyTorch CPU native for, named as the folder under {@code lib/native/}
 * that holds it ({@code linux-x86_64}, {@code linux-aarch64}, {@code osx-aarch64}). The launcher
 * ({@code ./fedge}), {@code fleet start} and {@code fleet deploy} put only the running or target
 * platform's folder on the class path or on the host.
 *
 * @param name the folder name, one of {@link #SUPPORTED}
 */
public record NativePlatform(String name) {

  /** The platforms with a native in {@code lib/native/}. */
  public static final List<String> SUPPORTED =
      List.of("linux-x86_64", "linux-aarch64", "osx-aarch64");

  /** The folder of the natives under the remote (and local) directory. */
  public static final String NATIVE_DIR = DeployPlan.LIB + "/native";

  /** Checks the name. */
  public NativePlatform {
    if (!SUPPORTED.contains(name)) {
      throw new IllegalArgumentException("platform must be one of " + SUPPORTED + ", got '"
          + name + "'");
    }
  }

  /**
   * The platform of {@code uname -s} and {@code uname -m} (as in the facts' kernel and arch).
   *
   * @param system {@code Linux} or {@code Darwin}
   * @param machine {@code x86_64}, {@code amd64}, {@code aarch64}, {@code arm64}, ...
   * @return the platform, or empty when fedge ships no native for it
   */
  public static Optional<NativePlatform> of(String system, String machine) {
    String os = switch (Objects.requireNonNullElse(system, "").toLowerCase(Locale.ROOT)) {
      case "linux" -> "linux";
      case "darwin" -> "osx";
      default -> system;
    };
    String arch = switch (Objects.requireNonNullElse(machine, "").toLowerCase(Locale.ROOT)) {
      case "x86_64", "amd64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> machine;
    };
    String name = os + "-" + arch;
    return SUPPORTED.contains(name) ? Optional.of(new NativePlatform(name)) : Optional.empty();
  }

  /**
   * The platform of a host's facts; fails with one line naming the platform and what to install
   * when fedge ships no native for it.
   */
  public static NativePlatform of(HostFacts facts) {
    String system = facts.kernel().split(" ", 2)[0];
    return of(system, facts.arch()).orElseThrow(() ->
        new IllegalArgumentException(unsupported(system, facts.arch())));
  }

  /** The one line for a platform without a native, e.g. 32-bit Raspberry Pi OS ({@code armv7l}). */
  public static String unsupported(String system, String machine) {
    String hint = machine.startsWith("armv") || machine.equals("i686") || machine.equals("i386")
        ? "it is a 32-bit OS; install the 64-bit one (64-bit Raspberry Pi OS, arm64 Ubuntu)"
        : "fedge ships natives for " + String.join(", ", SUPPORTED);
    return "no PyTorch native for " + system.toLowerCase(Locale.ROOT) + "-" + machine + ": " + hint;
  }

  /** This platform's folder under the remote directory, {@code lib/native/NAME}. */
  public String folder() {
    return NATIVE_DIR + "/" + name;
  }

  /** The {@code sh} lines that set {@code plat} to the host's platform, or leave it empty. */
  static String shellDetect() {
    return String.join("\n",
        "case \"$(uname -s)-$(uname -m)\" in",
        "  Linux-x86_64|Linux-amd64) plat=linux-x86_64 ;;",
        "  Linux-aarch64|Linux-arm64) plat=linux-aarch64 ;;",
        "  Darwin-arm64|Darwin-aarch64) plat=osx-aarch64 ;;",
        "  *) plat= ;;",
        "esac");
  }
}
