package dev.fedge.cli;

import dev.fedge.data.Datasets;
import dev.fedge.data.DatasetUnavailableException;
import dev.fedge.server.FederationServer;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateException;
import dev.fedge.server.store.ModelKey;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.strategy.codec.Codecs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code fedge server}: the federation server. Serves the gRPC protocol, waits for {@code
 * --min-clients}, runs {@code --rounds} rounds, and keeps everything in {@code --state-dir}: the
 * SQLite state, the models ({@code models/<group>/<project>/<round>/}) and {@code
 * runs/<run>/metrics.csv}. Started again on the same state directory after a crash, it resumes the
 * unfinished run.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the federation server: wait for clients, run rounds, save every round's model.",
      "Started again on the same --state-dir after a crash, it resumes the unfinished run."
    })
public final class ServerCommand extends BaseCommand {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Option(names = "--port", defaultValue = "9090", description = "gRPC port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "0.0.0.0",
      description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "fedge-server",
      description = "State: SQLite file, models/, runs/ (default ./${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--min-clients", defaultValue = "2",
      description = "Clients to wait for before each round (default ${DEFAULT-VALUE}).")
  int minClients;

  @Option(names = "--min-results", defaultValue = "1",
      description = "Results a round needs to count (default ${DEFAULT-VALUE}).")
  int minResults;

  @Option(names = "--rounds", defaultValue = "3", description = "Rounds (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--strategy", defaultValue = "fedavg",
      description = "Strategy (default ${DEFAULT-VALUE}): fedavg, fedprox, fedntd, fednova, "
          + "fedavgm, fedadam, fedyogi, fedadagrad, fedmedian, fedtrimmedavg, krum, fedpav, "
          + "fedbuff (asynchronous: devices never wait for each other), local-only.")
  String strategy;

  @Option(names = "--strategy-opt", paramLabel = "KEY=VALUE",
      description = "Strategy parameter, repeatable (e.g. mu=0.1).")
  Map<String, String> strategyOpts;

  @Option(names = "--fraction", defaultValue = "1.0",
      description = "Fraction of the available clients sampled each round (default ${DEFAULT-VALUE}).")
  double fraction;

  @Option(names = "--fraction-evaluate", defaultValue = "0.0",
      description = "Fraction of clients that evaluate locally each round (default ${DEFAULT-VALUE}).")
  double fractionEvaluate;

  @Option(names = "--round-timeout", defaultValue = "120s", converter = DurationConverter.class,
      description = "Deadline of each round, e.g. 120s, 5m (default ${DEFAULT-VALUE}).")
  Duration roundTimeout;

  @Option(names = "--run", description = "Run name (default: <dataset>-<strategy>, numbered when taken).")
  String run;

  @Option(names = "--group", defaultValue = "default",
      description = "Model store group (default ${DEFAULT-VALUE}).")
  String group;

  @Option(names = "--project", description = "Model store project (default: the run name).")
  String project;

  @Option(names = "--dataset", defaultValue = "fashion-mnist",
      description = "Data set of the central test set and the input shape (default ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--model", defaultValue = "cnn", description = "cnn (default) or resnet18.")
  String model;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
      description = "Data folder (default ./${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--codec", defaultValue = "float32",
      description = "Wire codec of the updates: float32 (default), float16, int8.")
  String codec;

  @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs (default ${DEFAULT-VALUE}).")
  int localEpochs;

  @Option(names = "--batch-size", defaultValue = "32", description = "Local batch size (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.01", description = "Local learning rate (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--momentum", defaultValue = "0.9", description = "Local momentum (default ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--weight-decay", defaultValue = "0.0", description = "Local weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--test-limit", defaultValue = "0",
      description = "Evaluate centrally on the first N test images only (default all).")
  int testLimit;

  @Option(names = "--threads", defaultValue = "0",
      description = "PyTorch threads for central evaluation (default: one per core).")
  int threads;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain for TLS.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) for TLS.")
  Path tlsKey;

  @Option(names = "--enroll-token", paramLabel = "TOKEN",
      description = "Token clients must present; without one only loopback clients are accepted.")
  String enrollToken;

  @Option(names = "--heartbeat-interval", defaultValue = "2s", converter = DurationConverter.class,
      description = "How often clients heartbeat (default ${DEFAULT-VALUE}).")
  Duration heartbeatInterval;

  @Option(names = "--heartbeat-timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "Silence after which a client is dropped from its round (default ${DEFAULT-VALUE}).")
  Duration heartbeatTimeout;

  @Option(names = "--max-concurrent-uploads", defaultValue = "4",
      description = "Uploads held in memory at once; others wait (default ${DEFAULT-VALUE}).")
  int maxConcurrentUploads;

  @Option(names = "--http-port", defaultValue = "8080",
      description = "Port of the HTTP API, dashboard, prediction endpoint and /metrics "
          + "(default ${DEFAULT-VALUE}; 0 picks a free port).")
  int httpPort;

  @Option(names = "--no-http", description = "Do not start the HTTP API and dashboard.")
  boolean noHttp;

  @Option(names = "--api-token", paramLabel = "TOKEN",
      description = "Token for the API and dashboard (default: generated at first start, kept in "
          + "<state-dir>/api-token and printed once).")
  String apiToken;

  @Option(names = "--open-predict",
      description = "Let anyone call the prediction endpoint without the API token.")
  boolean openPredict;

  @Option(names = "--exit-when-done",
      description = "Exit 0 when the run has finished (default: keep serving, wait for new runs).")
  boolean exitWhenDone;

  @Override
  protected int doCall() throws Exception {
    Consumer<String> log = logger(out());
    RunSpec requested = requestedSpec();
    FederationServer.Settings settings = new FederationServer.Settings(stateDir, bind, port,
        tlsCert, tlsKey, enrollToken, heartbeatInterval, heartbeatTimeout, maxConcurrentUploads,
        256);
    FederationServer server;
    try {
      server = FederationServer.start(settings, FederationServer.standardRuns(), log);
    } catch (StateException e) {
      throw new ExitException(ExitException.FAILURE, e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Web web = null;
    Thread hook = new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "fedge-server-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      log.accept("fedge server listening on " + bind + ":" + server.port()
          + (tlsCert != null ? " (TLS)" : " (plaintext)") + "; state in " + stateDir);
      log.accept(enrollToken == null || enrollToken.isBlank()
          ? "no --enroll-token: accepting clients from loopback addresses only"
          : "clients must present the enrollment token");
      Optional<RunRecord> unfinished = server.unfinishedRun();
      RunSpec spec = unfinished.map(RunRecord::spec).orElseGet(() -> freeName(server, requested));
      // fail fast, with its own exit code, when the run's data set is not there
      Datasets.load(spec.settings().getOrDefault("dataset", dataset),
          Path.of(spec.settings().getOrDefault("data-dir", dataDir.toString())));
      web = noHttp ? null : Web.start(server, requested, this, log);
      RunRecord done = web == null ? server.run(spec) : web.runToEnd(spec);
      log.accept("models in " + server.models().root().resolve(done.spec().group())
          .resolve(done.spec().project()) + ", metrics in " + server.metricsFile(done.id()));
      if (!exitWhenDone) {
        log.accept("serving clients and waiting for new runs (stop with Ctrl-C)");
        stopped.await();
      }
      return 0;
    } catch (DatasetUnavailableException e) {
      throw new ExitException(ExitException.UNAVAILABLE, e.getMessage(), e);
    } catch (StateException e) {
      throw new ExitException(ExitException.FAILURE, e.getMessage(), e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook closes the server
      }
      if (web != null) {
        web.close();
      }
      if (stopped.getCount() > 0) {
        server.close();
      }
    }
  }

  /** The run the options describe; checks every option before the server starts. */
  RunSpec requestedSpec() {
    Datasets.checkName(dataset);
    if (!dev.fedge.ml.Models.NAMES.contains(model)) {
      throw new IllegalArgumentException(
          "--model: unknown model '" + model + "' (known: " + dev.fedge.ml.Models.NAMES + ")");
    }
    Map<String, String> opts = strategyOpts == null ? Map.of() : strategyOpts;
    if (minClients < 1) {
      throw new IllegalArgumentException("--min-clients must be >= 1, got " + minClients);
    }
    // with the run's sampling, so that options that depend on it (krum's f) are checked too
    Strategies.create(strategy, opts, StrategySettings.defaults().withSampling(1.0, minClients));
    Codecs.byName(codec);
    String name = run != null ? run
        : (dataset.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + strategy).toLowerCase(Locale.ROOT);
    if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
      name = "run-" + name;
    }
    ModelKey.checkName("--run", name);
    if (project != null) {
      ModelKey.checkName("--project", project);
    }
    Map<String, String> s = new LinkedHashMap<>();
    s.put("strategy", strategy);
    opts.forEach((k, v) -> s.put("strategy." + k, v));
    s.put("dataset", dataset);
    s.put("model", model);
    s.put("data-dir", dataDir.toString());
    s.put("seed", Long.toString(seed));
    s.put("fraction", Double.toString(fraction));
    s.put("fraction-evaluate", Double.toString(fractionEvaluate));
    s.put("local-epochs", Integer.toString(localEpochs));
    s.put("batch-size", Integer.toString(batchSize));
    s.put("lr", Double.toString(lr));
    s.put("momentum", Double.toString(momentum));
    s.put("weight-decay", Double.toString(weightDecay));
    s.put("test-limit", Integer.toString(testLimit));
    s.put("threads", Integer.toString(threads));
    new StrategySettings(fraction, minClients, seed,
        dev.fedge.api.Config.of("local_epochs", localEpochs, "batch_size", batchSize, "lr", lr,
            "momentum", momentum, "weight_decay", weightDecay), fractionEvaluate);
    if (testLimit < 0 || threads < 0) {
      throw new IllegalArgumentException("--test-limit and --threads must be >= 0");
    }
    return new RunSpec(name, group, project == null ? name : project, rounds, minClients,
        minResults, roundTimeout, codec, s);
  }

  /** The requested run, renamed {@code name-2}, {@code name-3}, ... when the name is taken. */
  private RunSpec freeName(FederationServer server, RunSpec spec) {
    if (run != null || server.state().run(spec.id()).isEmpty()) {
      return spec;
    }
    for (int i = 2; ; i++) {
      String id = spec.id() + "-" + i;
      if (server.state().run(id).isEmpty()) {
        return new RunSpec(id, spec.group(), project == null ? id : spec.project(), spec.rounds(),
            spec.minClients(), spec.minResults(), spec.roundTimeout(), spec.codec(),
            spec.settings());
      }
    }
  }

  /** Lines with the time in front, safe from any thread. */
  static Consumer<String> logger(PrintWriter out) {
    return line -> {
      synchronized (out) {
        out.println(LocalTime.now().format(TIME) + " " + line);
        out.flush();
      }
    };
  }

  /** Parses durations like {@code 500ms}, {@code 120s}, {@code 5m}, {@code 1h} or {@code PT2M}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
      return parse(value);
    }

    static Duration parse(String value) {
      String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
      Matcher m = SIMPLE.matcher(v);
      if (m.matches()) {
        double n = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
          case "ms" -> n;
          case "s" -> n * 1000;
          case "m" -> n * 60_000;
          default -> n * 3_600_000;
        };
        if (millis >= 1) {
          return Duration.ofMillis(Math.round(millis));
        }
      } else if (v.startsWith("pt")) {
        try {
          Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
          if (!d.isNegative() && !d.isZero()) {
            return d;
          }
        } catch (java.time.format.DateTimeParseException e) {
          // reported below
        }
      }
      throw new IllegalArgumentException(
          "expected a positive duration like 500ms, 120s, 5m or 1h, got '" + value + "'");
    }
  }
}
