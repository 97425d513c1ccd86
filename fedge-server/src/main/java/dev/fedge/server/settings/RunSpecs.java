package dev.fedge.server.settings;

import dev.fedge.server.state.RunSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Between {@link RunSettings} and the {@link RunSpec} a server runs and keeps in its state: the
 * spec's own fields (name, group, project, rounds, min-clients, min-results, round-timeout, codec)
 * and, as its {@code settings}, the rest of the server's keys as text ({@code strategy.<option>}
 * for each strategy option), kept as JSON with the run.
 */
public final class RunSpecs {

  /** The settings a spec keeps in its {@code settings} map (besides {@code strategy.<option>}). */
  public static final List<String> STORED = List.of("task", "strategy", "dataset", "model",
      "data-dir",
      "seed", "fraction", "fraction-evaluate", "local-epochs", "batch-size", "lr", "momentum",
      "weight-decay", "test-limit", "threads", "local-work", "round-deadline", "min-local-steps",
      "widths");

  private RunSpecs() {}

  /**
   * The spec of a run with these settings.
   *
   * @param s the settings, bound for the server
   * @return the spec
   */
  public static RunSpec of(RunSettings s) {
    Map<String, Object> all = s.toMap(RunSettingsBinder.Use.SERVER);
    Map<String, String> stored = new LinkedHashMap<>();
    for (String k : STORED) {
      if (all.get(k) != null) {
        stored.put(k, String.valueOf(all.get(k)));
      }
    }
    s.strategyOpts().forEach((k, v) -> stored.put("strategy." + k, v));
    return new RunSpec(s.name(), s.group(), s.projectOrName(), s.rounds(), s.minClients(),
        s.minResults(), s.roundTimeout(), s.codec(), stored);
  }

  /**
   * The settings of a spec (as made by {@link #of}, or kept by an earlier version: the same keys).
   *
   * @param spec the spec
   * @return the settings, with the server's defaults for what the spec does not say
   * @throws IllegalArgumentException when the spec holds an unknown key or a bad value
   */
  public static RunSettings settings(RunSpec spec) {
    Map<String, Object> m = new LinkedHashMap<>(spec.settings());
    m.put("name", spec.id());
    m.put("group", spec.group());
    m.put("project", spec.project());
    m.put("rounds", spec.rounds());
    m.put("min-clients", spec.minClients());
    m.put("min-results", spec.minResults());
    m.put("round-timeout", Durations.format(spec.roundTimeout()));
    m.put("codec", spec.codec());
    return RunSettingsBinder.bind(RunSettingsBinder.Use.SERVER, m);
  }
}
