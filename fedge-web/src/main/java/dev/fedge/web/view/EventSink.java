package dev.fedge.web.view;

/** Where the API's write side records what it changed, as events beside the server's own. */
@FunctionalInterface
public interface EventSink {

  /** Records nothing. */
  EventSink NONE = (kind, message) -> {};

  /**
   * Records an event.
   *
   * @param kind e.g. {@code alias_changed}
   * @param message what happened, one line
   */
  void record(String kind, String message);
}
