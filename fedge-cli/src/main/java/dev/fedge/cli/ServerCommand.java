package dev.fedge.cli;

import dev.fedge.data.Datasets;
import dev.fedge.server.FederationServer;
import dev.fedge.server.settings.Durations;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.RunSettingsBinder;
import dev.fedge.server.settings.RunSpecs;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateDb;
import dev.fedge.server.state.StateException;
import dev.fedge.web.ApiToken;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
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

  @Option(names = "--state-db", paramLabel = "URL",
      description = "State database instead of DIR/fedge.db: postgresql://user[:password]@host"
          + "[:port]/database (password also from PGPASSWORD) or a SQLite file; models and"
          + " runs stay in --state-dir.")
  String stateDb;

  @Option(names = "--min-clients", description = "Clients to wait for before each round (default 2).")
  Integer minClients;

  @Option(names = "--min-results", description = "Results a round needs to count (default 1).")
  Integer minResults;

  @Mixin RunOptions runOptions;

  @Mixin TrainingOptions training;

  @Option(names = "--round-timeout", converter = DurationConverter.class,
      description = "Deadline of each round, e.g. 120s, 5m (default 120s).")
  Duration roundTimeout;

  @Option(names = "--run", description = "Run name (default: <dataset>-<strategy>, numbered when "
      + "a run with other settings took it).")
  String run;

  @Option(names = "--group", description = "Model store group (default default).")
  String group;

  @Option(names = "--project", description = "Model store project (default: the run name).")
  String project;

  @Option(names = "--codec", description = "Wire codec of the updates: float32 (default), float16, int8.")
  String codec;

  @Option(names = "--task", description = "classify (default) or reid: an embedding model "
      + "evaluated on the server by CMC rank-1/5/10 and mAP: on the real query/gallery of "
      + "veri776 or market1501 (optionally :HxW, in --data-dir), or with fashion-mnist the "
      + "open-set retrieval proxy (docs/REID.md); the devices train on their images of its "
      + "training identities. Use --strategy fedpav to keep each device's identity head.")
  String task;

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

  @Option(names = "--no-run",
      description = "Start no run of its own: serve clients and the API, and take runs posted with"
          + " 'fedge run SPEC' or POST /api/v1/runs (an unfinished run still resumes).")
  boolean noRun;

  @Option(names = "--exit-when-done",
      description = "Exit 0 when the run has finished (default: keep serving, wait for new runs).")
  boolean exitWhenDone;

  @Override
  protected int doCall() throws Exception {
    Consumer<String> log = logger(out());
    RunSpec requested = requestedSpec();
    if (!noHttp && apiToken != null) {
      ApiToken.of(apiToken); // checked before anything is opened or created
    }
    if (noRun && (noHttp || exitWhenDone)) {
      throw new ExitException(ExitException.INVALID_INPUT, "--no-run takes its runs through the"
          + " HTTP API: it cannot go with " + (noHttp ? "--no-http" : "--exit-when-done"));
    }
    StateDb db;
    try {
      db = stateDb == null ? null : StateDb.parse(stateDb);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitException.INVALID_INPUT, e.getMessage(), e);
    }
    FederationServer.Settings settings = new FederationServer.Settings(stateDir, bind, port,
        tlsCert, tlsKey, enrollToken, heartbeatInterval, heartbeatTimeout, maxConcurrentUploads,
        256, db);
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
          + (tlsCert != null ? " (TLS)" : " (plaintext)") + "; state in " + stateDir
          + (stateDb != null ? " and " + server.state().db().display() : ""));
      log.accept(enrollToken == null || enrollToken.isBlank()
          ? "no --enroll-token: accepting clients from loopback addresses only"
          : "clients must present the enrollment token");
      Optional<RunRecord> unfinished = server.unfinishedRun();
      Optional<RunRecord> complete =
          unfinished.isPresent() ? Optional.empty() : completed(server, requested);
      RunRecord done;
      if (noRun && unfinished.isEmpty()) {
        web = Web.start(server, requested, this, log);
        log.accept("no run of its own (--no-run): start one with 'fedge run SPEC' or POST"
            + " /api/v1/runs; serving clients (stop with Ctrl-C)");
        stopped.await();
        return 0;
      } else if (complete.isPresent()) {
        done = complete.get();
        log.accept("run '" + done.id() + "' is complete (" + done.completedRounds() + " of "
            + done.spec().rounds() + " rounds): nothing to run (start another run with --run NAME)");
        if (!exitWhenDone && !noHttp) {
          web = Web.start(server, requested, this, log);
        }
      } else {
        RunSpec spec =
            unfinished.map(RunRecord::spec).orElseGet(() -> freeName(server, requested));
        // fail fast, with its own exit code, when the run's data set is not there
        RunSettings runSettings = RunSpecs.settings(spec);
        if (runSettings.reid() && dev.fedge.server.sim.ReidTask.real(runSettings.dataset())) {
          dev.fedge.server.sim.ReidTask.checkAvailable(runSettings.dataset(),
              runSettings.dataPath());
        } else {
          Datasets.load(runSettings.dataset(), runSettings.dataPath());
        }
        web = noHttp ? null : Web.start(server, requested, this, log);
        // a run spec's run resumes through its steps (PipelineRun), a plain run as before
        done = web == null
            ? dev.fedge.server.pipeline.PipelineRun.runToEnd(server, spec, null, null, log)
            : web.runToEnd(spec);
        if (RunRecord.FAILED.equals(done.status())) {
          throw new ExitException(ExitException.FAILURE, "run '" + done.id() + "' failed (the"
              + " reason is in the log above and in its steps)");
        }
      }
      log.accept("models in " + server.models().root().resolve(done.spec().group())
          .resolve(done.spec().project()) + ", metrics in " + server.metricsFile(done.id()));
      if (!exitWhenDone) {
        log.accept("serving clients and waiting for new runs (stop with Ctrl-C)");
        stopped.await();
      }
      return 0;
    } catch (IllegalStateException e) {
      // a run the stored state does not allow (its project holds another run's models, ...)
      throw new ExitException(ExitException.FAILURE, e.getMessage(), e);
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
    Map<String, Object> m = new LinkedHashMap<>();
    RunOptions.put(m, "name", run);
    RunOptions.put(m, "group", group);
    RunOptions.put(m, "project", project);
    RunOptions.put(m, "min-clients", minClients);
    RunOptions.put(m, "min-results", minResults);
    RunOptions.put(m, "round-timeout", roundTimeout == null ? null : Durations.format(roundTimeout));
    RunOptions.put(m, "codec", codec);
    RunOptions.put(m, "task", task);
    runOptions.putInto(m);
    training.putInto(m);
    RunSettings settings = RunSettingsBinder.bind(RunSettingsBinder.Use.SERVER, m);
    // with the run's sampling, so that options that depend on it (krum's f) are checked too
    settings.checkStrategy(settings.minClients());
    return RunSpecs.of(settings);
  }

  /**
   * The finished run this command describes, if it ran already: the same name and the same
   * settings, so that running the same command again is not an error.
   */
  private static Optional<RunRecord> completed(FederationServer server, RunSpec requested) {
    return server.state().run(requested.id())
        .filter(r -> RunRecord.FINISHED.equals(r.status()) && r.spec().equals(requested));
  }

  /** The requested run, renamed {@code name-2}, {@code name-3}, ... when the name is taken. */
  private RunSpec freeName(FederationServer server, RunSpec spec) {
    Optional<RunRecord> taken = server.state().run(spec.id());
    if (run != null && taken.isPresent()) {
      throw new ExitException(ExitException.INVALID_INPUT, "run '" + run + "' already "
          + taken.get().status() + " with other settings in " + stateDir
          + "; choose another --run, or run the same command as before");
    }
    if (run != null || taken.isEmpty()) {
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
    @Override
    public Duration convert(String value) {
      return parse(value);
    }

    static Duration parse(String value) {
      return Durations.parse(value);
    }
  }
}
