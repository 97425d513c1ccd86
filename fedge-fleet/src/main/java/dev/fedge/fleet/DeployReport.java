package dev.fedge.fleet;

import java.util.List;
import java.util.Objects;

/**
 * What a deploy did on one host.
 *
 * @param copied files uploaded because they were missing or their SHA-256 differed
 * @param unchanged files already there with the same SHA-256, not uploaded
 * @param bytesCopied bytes uploaded
 * @param pruned whether stale jars were looked for in the remote {@code lib/} (false with {@code
 *     --no-prune}, or when the plan has no {@code lib/} folder)
 * @param removed the stale jars removed, as paths under the remote directory (e.g. {@code
 *     lib/guava-31.1.jar}); empty when not {@code pruned}
 * @param platform the host's native platform whose {@code lib/native/} folder alone was sent
 *     (e.g. {@code linux-x86_64}), empty when the plan had no natives
 */
public record DeployReport(int copied, int unchanged, long bytesCopied, boolean pruned,
    List<String> removed, String platform) {

  /** Checks the counts are not negative and that only a pruning deploy removed files. */
  public DeployReport {
    if (copied < 0 || unchanged < 0 || bytesCopied < 0) {
      throw new IllegalArgumentException("deploy counts must not be negative, got copied="
          + copied + " unchanged=" + unchanged + " bytesCopied=" + bytesCopied);
    }
    removed = List.copyOf(Objects.requireNonNull(removed, "removed"));
    Objects.requireNonNull(platform, "platform");
    if (!pruned && !removed.isEmpty()) {
      throw new IllegalArgumentException("removed: a deploy that did not prune removed nothing,"
          + " got " + removed);
    }
  }

  /** A deploy without natives. */
  public DeployReport(int copied, int unchanged, long bytesCopied, boolean pruned,
      List<String> removed) {
    this(copied, unchanged, bytesCopied, pruned, removed, "");
  }

  /** The same report for a host of a platform. */
  public DeployReport withPlatform(NativePlatform p) {
    return new DeployReport(copied, unchanged, bytesCopied, pruned, removed, p.name());
  }

  /** A deploy that did not prune. */
  public DeployReport(int copied, int unchanged, long bytesCopied) {
    this(copied, unchanged, bytesCopied, false, List.of());
  }

  /** Whether the host's files changed: something was uploaded or removed. */
  public boolean changed() {
    return copied > 0 || !removed.isEmpty();
  }

  /**
   * {@code 3 files copied, 39 unchanged, 2 removed, 5.1 MiB sent (5347737 bytes), native
   * linux-x86_64}; without {@code , N removed} when the deploy did not prune, without the native
   * when the plan had none.
   */
  public String summary() {
    String s = copied + (copied == 1 ? " file" : " files") + " copied, " + unchanged
        + " unchanged";
    s = pruned ? s + ", " + removed.size() + " removed" : s;
    s += ", " + HostFacts.humanBytes(bytesCopied) + " sent (" + bytesCopied + " bytes)";
    return platform.isEmpty() ? s : s + ", native " + platform;
  }
}
