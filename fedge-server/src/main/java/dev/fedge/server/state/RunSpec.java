package dev.fedge.server.state;

import dev.fedge.server.store.ModelKey;
import dev.fedge.strategy.codec.Codecs;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run is: where its models go, how many rounds, the round rules, the wire codec, and the
 * settings that make its strategy, model and data (strategy name and options, data set, model,
 * trainer settings, seed, ...).
 *
 * @param id the run's name, unique in a state directory
 * @param group model store group
 * @param project model store project
 * @param rounds number of rounds
 * @param minClients clients to wait for before a round starts
 * @param minResults results a round needs to count
 * @param roundTimeout deadline of each round
 * @param codec wire codec of the clients' updates ({@code float32}, {@code float16}, {@code int8})
 * @param settings everything else, as strings (read by the run factory)
 */
public record RunSpec(
    String id,
    String group,
    String project,
    int rounds,
    int minClients,
    int minResults,
    Duration roundTimeout,
    String codec,
    Map<String, String> settings) {

  /** Validates; messages name the field and the value. */
  public RunSpec {
    ModelKey.checkName("run", id);
    ModelKey.checkName("group", group);
    ModelKey.checkName("project", project);
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    if (minClients < 1) {
      throw new IllegalArgumentException("min-clients must be >= 1, got " + minClients);
    }
    if (minResults < 1) {
      throw new IllegalArgumentException("min-results must be >= 1, got " + minResults);
    }
    if (minResults > minClients) {
      throw new IllegalArgumentException(
          "min-results (" + minResults + ") must not be more than min-clients (" + minClients
              + ")");
    }
    if (roundTimeout == null || roundTimeout.isNegative() || roundTimeout.isZero()) {
      throw new IllegalArgumentException("round-timeout must be positive, got " + roundTimeout);
    }
    codec = Codecs.byName(codec).name();
    settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
  }

  /** A setting, or the default when absent. */
  public String setting(String key, String dflt) {
    return settings.getOrDefault(key, dflt);
  }

  /** The model store key of a round of this run. */
  public ModelKey modelKey(int round) {
    return new ModelKey(group, project, round);
  }
}
