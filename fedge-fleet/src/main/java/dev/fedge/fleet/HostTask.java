package dev.fedge.fleet;

/**
 * Work done on one host over an open session.
 *
 * @param <T> what the work yields
 */
@FunctionalInterface
public interface HostTask<T> {

  /**
   * Does the work.
   *
   * @param session an authenticated session to the host
   * @return the result
   * @throws Exception any failure; its message becomes the host's one-line {@code FAILED} reason
   */
  T run(RemoteSession session) throws Exception;
}
