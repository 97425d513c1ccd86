package dev.fedge.fleet;

/**
 * What a deploy did on one host.
 *
 * @param copied files uploaded because they were missing or their SHA-256 differed
 * @param unchanged files already there with the same SHA-256
 * @param bytesCopied bytes uploaded
 */
public record DeployReport(int copied, int unchanged, long bytesCopied) {

  /** Checks the counts are not negative. */
  public DeployReport {
    if (copied < 0 || unchanged < 0 || bytesCopied < 0) {
      throw new IllegalArgumentException("deploy counts must not be negative, got copied="
          + copied + " unchanged=" + unchanged + " bytesCopied=" + bytesCopied);
    }
  }

  /** {@code 3 files copied, 39 unchanged}. */
  public String summary() {
    return copied + (copied == 1 ? " file" : " files") + " copied, " + unchanged + " unchanged";
  }
}
