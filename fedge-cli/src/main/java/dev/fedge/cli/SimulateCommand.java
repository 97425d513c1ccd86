package dev.fedge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fedge.server.sim.Simulation;
import dev.fedge.server.sim.SimulationConfig;
import dev.fedge.server.sim.SimulationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedge simulate}: a whole federation in one process, reproducible by seed. Settings come
 * from a YAML file ({@code --config}) and/or flags; flags win.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a whole federation in one process, reproducible by seed.",
      "With no options: Fashion-MNIST, cnn, 10 IID clients, FedAvg, 5 rounds of 2 local epochs."
    })
public final class SimulateCommand extends BaseCommand {

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML file with settings (keys as the flags, e.g. local-epochs: 2).")
  Path config;

  @Option(names = "--name", description = "Run name (default: from dataset, strategy, partition, seed).")
  String name;

  @Option(names = "--dataset", description = "fashion-mnist (default), mnist, cifar10, cifar100, folder:PATH.")
  String dataset;

  @Option(names = "--model", description = "cnn (default) or resnet18.")
  String model;

  @Option(names = "--strategy", description = "fedavg (default), fedprox, fedntd, fednova, fedavgm, "
      + "fedadam, fedyogi, fedadagrad, fedmedian, fedtrimmedavg, krum, fedpav, fedbuff "
      + "(asynchronous), local-only.")
  String strategy;

  @Option(names = "--strategy-opt", paramLabel = "KEY=VALUE",
      description = "Strategy parameter, repeatable (e.g. mu=0.1).")
  Map<String, String> strategyOpts;

  @Option(names = "--clients", description = "Number of clients (default 10).")
  Integer clients;

  @Option(names = "--fraction", description = "Fraction of clients per round (default 1.0).")
  Double fraction;

  @Option(names = "--rounds", description = "Rounds (default 5).")
  Integer rounds;

  @Option(names = "--local-epochs", description = "Local epochs per round (default 2).")
  Integer localEpochs;

  @Option(names = "--batch-size", description = "Local batch size (default 32).")
  Integer batchSize;

  @Option(names = "--lr", description = "Local SGD learning rate (default 0.01).")
  Double lr;

  @Option(names = "--momentum", description = "Local SGD momentum (default 0.9).")
  Double momentum;

  @Option(names = "--weight-decay", description = "Local weight decay (default 0).")
  Double weightDecay;

  @Option(names = "--partition", description = "iid (default), dirichlet:ALPHA, shards:K.")
  String partition;

  @Option(names = "--seed", description = "Seed of everything random (default 42).")
  Long seed;

  @Option(names = "--threads", description = "PyTorch threads (default 2).")
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default runs/<name>).")
  Path out;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default ./data).")
  Path dataDir;

  @Option(names = "--fraction-evaluate", description = "Fraction of clients evaluating locally (default 0).")
  Double fractionEvaluate;

  @Option(names = "--test-limit", description = "Evaluate on the first N test images only (default all).")
  Integer testLimit;

  @Option(names = "--train-limit", description = "Use the first N training images only (default all).")
  Integer trainLimit;

  @Option(names = "--client-speeds", paramLabel = "S1,S2,...",
      description = "Relative speeds of the simulated devices, given to the clients in turn "
          + "(e.g. 1,0.25,0.05 for a GPU, a Jetson and a Pi; default 1: all alike). They set "
          + "the run's virtual clock: a speed-1 device trains 1,000 images a virtual second.")
  String clientSpeeds;

  @Override
  protected int doCall() throws IOException {
    SimulationConfig cfg = SimulationConfig.fromMap(settings());
    SimulationReport report = new Simulation(cfg,
        new ConsoleProgress(out(), err(), cfg.heterogeneous())).run();
    out().println(report.summary());
    out().flush();
    return 0;
  }

  /** The merged settings: the YAML file's, then the flags'. */
  Map<String, Object> settings() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    if (config != null) {
      m.putAll(readYaml(config));
    }
    put(m, "name", name);
    put(m, "dataset", dataset);
    put(m, "model", model);
    put(m, "strategy", strategy);
    if (strategyOpts != null && !strategyOpts.isEmpty()) {
      Map<String, Object> opts = new LinkedHashMap<>();
      if (m.get("strategy-opts") instanceof Map<?, ?> fromFile) {
        fromFile.forEach((k, v) -> opts.put(String.valueOf(k), v));
      }
      opts.putAll(strategyOpts);
      m.put("strategy-opts", opts);
    }
    put(m, "clients", clients);
    put(m, "fraction", fraction);
    put(m, "rounds", rounds);
    put(m, "local-epochs", localEpochs);
    put(m, "batch-size", batchSize);
    put(m, "lr", lr);
    put(m, "momentum", momentum);
    put(m, "weight-decay", weightDecay);
    put(m, "partition", partition);
    put(m, "seed", seed);
    put(m, "threads", threads);
    put(m, "out", out);
    put(m, "data-dir", dataDir);
    put(m, "fraction-evaluate", fractionEvaluate);
    put(m, "test-limit", testLimit);
    put(m, "train-limit", trainLimit);
    put(m, "client-speeds", clientSpeeds);
    return m;
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value instanceof Path p ? p.toString() : value);
    }
  }

  /**
   * Reads a YAML settings file. {@code strategy:} may be a name or a map with {@code name} and the
   * strategy's parameters.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> readYaml(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ExitException(ExitException.INVALID_INPUT, "config file not found: " + file);
    }
    Object root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new ExitException(ExitException.INVALID_INPUT,
          file + ": not valid YAML" + where + ": "
              + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", "; "));
    }
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map)) {
      throw new ExitException(ExitException.INVALID_INPUT,
          file + ": expected key: value settings at the top level");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    ((Map<String, Object>) root).forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    if (m.get("strategy") instanceof Map<?, ?> s) {
      Map<String, Object> opts = new LinkedHashMap<>();
      Object stratName = null;
      for (Map.Entry<?, ?> e : s.entrySet()) {
        if ("name".equals(e.getKey())) {
          stratName = e.getValue();
        } else {
          opts.put(String.valueOf(e.getKey()), e.getValue());
        }
      }
      if (stratName == null) {
        throw new ExitException(ExitException.INVALID_INPUT,
            file + ": 'strategy' as a map needs a 'name' (e.g. name: fedprox)");
      }
      m.put("strategy", stratName);
      m.put("strategy-opts", opts);
    }
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (e.getValue() instanceof List) {
        throw new ExitException(ExitException.INVALID_INPUT,
            file + ": setting '" + e.getKey() + "' must be a single value, got a list");
      }
    }
    return m;
  }
}
