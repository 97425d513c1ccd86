package dev.fedge.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags of a run's strategy, rounds and data, shared by {@code simulate} and {@code server} as
 * a picocli {@code @Mixin}. A flag not given stays {@code null}, so that the run's settings (a YAML
 * file, the command's defaults) decide.
 */
public final class RunOptions {

  @Option(names = "--dataset", description = "fashion-mnist (default), mnist, cifar10, cifar100, folder:PATH.")
  String dataset;

  @Option(names = "--strategy", description = "fedavg (default), fedprox, fedntd, fednova, fedavgm, "
      + "fedadam, fedyogi, fedadagrad, fedmedian, fedtrimmedavg, krum, fedpav, fedbuff "
      + "(asynchronous: devices never wait for each other), local-only.")
  String strategy;

  @Option(names = "--strategy-opt", paramLabel = "KEY=VALUE",
      description = "Strategy parameter, repeatable (e.g. mu=0.1).")
  Map<String, String> strategyOpts;

  @Option(names = "--fraction", description = "Fraction of the clients sampled each round (default 1.0).")
  Double fraction;

  @Option(names = "--rounds", description = "Rounds (default: simulate 4, server 3).")
  Integer rounds;

  @Option(names = "--seed", description = "Seed of everything random (default 42).")
  Long seed;

  @Option(names = "--threads",
      description = "PyTorch threads (default: simulate 2; server 0, one per core).")
  Integer threads;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data folder (default: ./data, or -Dfedge.data.dir).")
  Path dataDir;

  @Option(names = "--fraction-evaluate",
      description = "Fraction of clients that evaluate locally each round (default 0).")
  Double fractionEvaluate;

  @Option(names = "--test-limit", description = "Evaluate on the first N test images only (default all).")
  Integer testLimit;

  /**
   * Puts the given flags into run settings, under the settings' keys; strategy options go over
   * those already there (a YAML file's {@code strategy:} map must have been folded by {@code
   * RunSettingsBinder.readYaml}).
   */
  void putInto(Map<String, Object> m) {
    put(m, "dataset", dataset);
    put(m, "strategy", strategy);
    if (strategyOpts != null && !strategyOpts.isEmpty()) {
      Map<String, Object> opts = new LinkedHashMap<>();
      if (m.get("strategy-opts") instanceof Map<?, ?> fromFile) {
        fromFile.forEach((k, v) -> opts.put(String.valueOf(k), v));
      }
      opts.putAll(strategyOpts);
      m.put("strategy-opts", opts);
    }
    put(m, "fraction", fraction);
    put(m, "rounds", rounds);
    put(m, "seed", seed);
    put(m, "threads", threads);
    put(m, "data-dir", dataDir);
    put(m, "fraction-evaluate", fractionEvaluate);
    put(m, "test-limit", testLimit);
  }

  /** Puts a given value (paths as text); leaves the key alone when the value is {@code null}. */
  static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value instanceof Path p ? p.toString() : value);
    }
  }
}
