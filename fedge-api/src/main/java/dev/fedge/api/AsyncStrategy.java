package dev.fedge.api;

import java.util.List;

/**
 * A strategy that runs asynchronously, as FedBuff does: the coordinator keeps up to {@link
 * #concurrency} clients training at once, each on the global model that was current when it
 * started, and folds every update into a buffer as it arrives; once {@link #bufferSize} updates
 * are in, the buffer makes the next global model. Such a server step is counted as a round (the
 * model store, metrics and the dashboard see one step as one round). A slow device's update
 * arrives one or more steps late and is folded with its staleness, the number of steps taken
 * since the model it trained on; a fast device is never kept waiting for a slow one.
 *
 * <p>The synchronous hooks of {@link Strategy} still hold: run by the round-by-round coordinator,
 * every update has staleness 0.
 */
public interface AsyncStrategy extends Strategy {

  /**
   * How many updates make one server step.
   *
   * @param available clients connected now
   * @return at least 1
   */
  int bufferSize(int available);

  /**
   * How many clients train at once.
   *
   * @param available clients connected now
   * @return at least 1
   */
  int concurrency(int available);

  /**
   * Chooses clients to start training now, reproducibly from (seed, step, draw).
   *
   * @param step the 1-based server step under way (its model is the result of step − 1)
   * @param draw how many times the coordinator has asked so far in this run (0, 1, ...)
   * @param global the current global model, which the chosen clients train on
   * @param idle clients connected now and not training, in a stable order
   * @param slots at most this many to choose
   * @return one instruction per chosen client, at most {@code slots}
   */
  List<ClientInstruction<FitIns>> configureAsyncFit(
      int step, long draw, Parameters global, List<ClientProxy> idle, int slots);

  /**
   * Starts the buffer of one server step.
   *
   * @param step the 1-based step
   * @param global the global model the step starts from (the result of step − 1)
   * @return the buffer that the coordinator feeds updates into as they arrive
   */
  BufferedAggregation startBuffer(int step, Parameters global);

  /** The buffer of one server step; not thread-safe, fed from one thread at a time. */
  interface BufferedAggregation {

    /**
     * Folds one client's update into the buffer.
     *
     * @param clientId the client that produced it
     * @param result its trained model
     * @param base the global model it trained on
     * @param staleness server steps taken since {@code base} was the global model, at least 0
     * @throws IllegalArgumentException when the update is unusable (wrong layout, NaN values); the
     *     buffer is left as it was
     */
    void accept(String clientId, FitRes result, Parameters base, int staleness);

    /** Number of updates folded in so far. */
    int count();

    /**
     * Makes the step's model.
     *
     * @param failures clients that did not deliver during the step
     * @return the new global model and metrics; empty parameters when nothing was folded
     */
    AggregateResult finish(List<ClientFailure> failures);
  }
}
