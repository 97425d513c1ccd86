package dev.fedge.data.download;

/** Hears how a download advances; called from the downloading thread. */
public interface DownloadProgress {

  /**
   * A download starts.
   *
   * @param file the file's name
   * @param totalBytes its size, or -1 when the server did not say
   */
  void started(String file, long totalBytes);

  /**
   * More bytes arrived.
   *
   * @param doneBytes bytes received so far
   */
  void advanced(long doneBytes);

  /** The download ended (successfully or not). */
  void finished();

  /** A listener that ignores everything. */
  static DownloadProgress none() {
    return new DownloadProgress() {
      @Override
      public void started(String file, long totalBytes) {}

      @Override
      public void advanced(long doneBytes) {}

      @Override
      public void finished() {}
    };
  }
}
