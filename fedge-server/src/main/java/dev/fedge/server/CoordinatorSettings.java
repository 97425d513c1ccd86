package dev.fedge.server;

import java.time.Duration;

/**
 * How the coordinator runs a round.
 *
 * @param roundTimeout deadline for the clients' results; late clients become failures
 * @param minResults fewest results for a round to count; with fewer the round is not completed
 * @param parallelism how many clients are asked at once (1 for in-process DJL clients, which
 *     must train one after another; the number of clients for network clients)
 * @param inOrder fold results in the order the clients were asked, not as they arrive (a result
 *     that comes early waits for those before it), so that parallel calls give the same sums bit
 *     for bit as one after another; simulations with training workers use it
 */
public record CoordinatorSettings(
    Duration roundTimeout, int minResults, int parallelism, boolean inOrder) {

  /** Settings that fold results as they arrive. */
  public CoordinatorSettings(Duration roundTimeout, int minResults, int parallelism) {
    this(roundTimeout, minResults, parallelism, false);
  }

  /** Validates. */
  public CoordinatorSettings {
    if (roundTimeout == null || roundTimeout.isNegative() || roundTimeout.isZero()) {
      throw new IllegalArgumentException("round timeout must be positive, got " + roundTimeout);
    }
    if (minResults < 1) {
      throw new IllegalArgumentException("min results must be >= 1, got " + minResults);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
  }

  /** Settings for in-process simulation: no deadline to speak of, one client at a time. */
  public static CoordinatorSettings simulation() {
    return new CoordinatorSettings(Duration.ofDays(1), 1, 1);
  }

  /**
   * Settings for a simulation with {@code workers} training processes: that many clients at once,
   * results folded in order.
   */
  public static CoordinatorSettings simulation(int workers) {
    return new CoordinatorSettings(Duration.ofDays(1), 1, workers, true);
  }
}
