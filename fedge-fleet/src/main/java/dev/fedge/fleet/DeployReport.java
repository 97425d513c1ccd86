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
 */
public record DeployReport(
    int copied, int unchanged, long bytesCopied, boolean pruned, List<String> removed) {

  /** Checks the counts are not negative and that only a pruning deploy removed files. */
  public DeployReport {
    if (copied < 0 || unchanged < 0 || bytesCopied < 0) {
      throw new IllegalArgumentException("deploy counts must not be negative, got copied="
          + copied + " unchanged=" + unchanged + " bytesCopied=" + bytesCopied);
    }
    removed = List.copyOf(Objects.requireNonNull(removed, "removed"));
    if (!pruned && !removed.isEmpty()) {
      throw new IllegalArgumentException("removed: a deploy that did not prune removed nothing,"
          + " got " + removed);
    }
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
   * {@code 3 files copied, 39 unchanged, 2 removed}; without {@code , N removed} when the deploy
   * did not prune.
   */
  public String summary() {
    String s = copied + (copied == 1 ? " file" : " files") + " copied, " + unchanged
        + " unchanged";
    return pruned ? s + ", " + removed.size() + " removed" : s;
  }
}
