package dev.fedge.web.view;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A federated training run.
 *
 * @param id the run's id
 * @param group model registry group its models are saved under
 * @param project model registry project its models are saved under
 * @param status e.g. {@code waiting}, {@code running}, {@code completed}, {@code stopped}, {@code
 *     failed}
 * @param round last completed round (0 before the first)
 * @param rounds rounds the run is meant to have
 * @param config the run's settings (strategy, model, dataset, ...), as given when it started
 * @param created when it was created, or null when unknown
 * @param updated when it last changed, or null when unknown
 */
public record RunInfo(
    String id,
    String group,
    String project,
    String status,
    int round,
    int rounds,
    Map<String, Object> config,
    Instant created,
    Instant updated) {

  /** Validates and copies the config (keeping its order; values may be null). */
  public RunInfo {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("run: id must not be blank, got '" + id + "'");
    }
    if (status == null || status.isBlank()) {
      throw new IllegalArgumentException("run '" + id + "': status must not be blank");
    }
    if (round < 0 || rounds < 0) {
      throw new IllegalArgumentException(
          "run '" + id + "': round and rounds must be >= 0, got " + round + " and " + rounds);
    }
    config = Collections.unmodifiableMap(new LinkedHashMap<>(config == null ? Map.of() : config));
  }

  /** A config value as text, or the default when absent. */
  public String setting(String key, String dflt) {
    Object v = config.get(key);
    return v == null ? dflt : v.toString();
  }
}
