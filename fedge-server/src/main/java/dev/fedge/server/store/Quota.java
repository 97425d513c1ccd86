package dev.fedge.server.store;

/** What a {@link ModelStore} may hold: asked before each save replaces or adds a round. */
@FunctionalInterface
public interface Quota {

  /** No limit. */
  Quota NONE = (store, key, bytes) -> {};

  /**
   * Refuses a save that would take its owner over a limit.
   *
   * @param store the store, as it is before the save
   * @param key the round to be saved (replacing the one there, if any)
   * @param bytes the bytes of the round's files
   * @throws QuotaExceededException naming the owner, the quota and the sizes
   */
  void check(ModelStore store, ModelKey key, long bytes);

  /** A save refused by a {@link Quota}; nothing was written. */
  final class QuotaExceededException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** With the one-line reason. */
    public QuotaExceededException(String message) {
      super(message);
    }
  }
}
