package dev.fedge.cli;

import dev.fedge.client.AgentSettings;
import dev.fedge.client.DeviceProbe;
import dev.fedge.client.DjlTrainers;
import dev.fedge.client.EdgeAgent;
import dev.fedge.client.LocalData;
import dev.fedge.ml.TrainingDevice;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedge client}: the edge agent. Loads the device's data, connects to the server (retrying
 * with backoff while it is down, in any start order), and trains and evaluates each round's task
 * until stopped.
 */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run an edge client: connect to a fedge server and train on local data each round.",
      "Start order does not matter; the client retries with backoff while the server is down."
    })
public final class ClientCommand extends BaseCommand {

  @Option(names = "--server", required = true, paramLabel = "HOST:PORT",
      description = "The server, e.g. 127.0.0.1:9090.")
  String server;

  @Option(names = "--dataset", defaultValue = "fashion-mnist",
      description = "A data set name or folder:PATH of local images (default ${DEFAULT-VALUE}); "
          + "veri776 or market1501 (optionally :HxW) for a re-ID run on their real layouts.")
  String dataset;

  @Option(names = "--partition", description = "Use one part of the data set: iid, dirichlet:A, shards:K; "
      + "for veri776/market1501 also camera, identity:N.")
  String partition;

  @Option(names = "--client-index", description = "This client's part, 0 to --of - 1.")
  Integer clientIndex;

  @Option(names = "--of", description = "Number of parts.")
  Integer of;

  @Option(names = "--seed", defaultValue = "42",
      description = "Partition seed, the same on every client (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data folder (default: ./data, or -Dfedge.data.dir).")
  Path dataDir;

  @Option(names = "--train-limit", defaultValue = "0",
      description = "Use the first N training images only, before partitioning (default all).")
  int trainLimit;

  @Option(names = "--test-limit", defaultValue = "1000",
      description = "Evaluate locally on at most N test images (default ${DEFAULT-VALUE}).")
  int testLimit;

  @Option(names = "--ca", paramLabel = "FILE",
      description = "PEM certificate (authority) to trust: connects with TLS.")
  Path ca;

  @Option(names = "--enroll-token", paramLabel = "TOKEN", description = "The server's enrollment"
      + " token, or a project's device enroll token (fde_...): the device joins that project.")
  String enrollToken;

  @Option(names = "--name",
      description = "This device's stable name (default: the host name, plus the client index).")
  String name;

  @Option(names = "--threads", defaultValue = "0",
      description = "PyTorch threads (default: one per core).")
  int threads;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
      description = "Where to train: auto (a usable GPU, else the CPU), cpu, or gpu (refused in"
          + " one line when no GPU can be used; default ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--backoff-max", defaultValue = "10s",
      converter = ServerCommand.DurationConverter.class,
      description = "Longest wait between reconnection attempts (default ${DEFAULT-VALUE}).")
  Duration backoffMax;

  @Override
  protected int doCall() throws Exception {
    Consumer<String> log = ServerCommand.logger(out());
    if (threads < 0) {
      throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
    }
    TrainingDevice where;
    try {
      where = TrainingDevice.choose(TrainingDevice.Choice.parse(device));
    } catch (TrainingDevice.Unavailable e) {
      throw new ExitException(ExitException.UNAVAILABLE, e.getMessage(), e);
    }
    Path dataFolder = dataDir != null ? dataDir
        : Path.of(System.getProperty(dev.fedge.data.DatasetLocator.DATA_DIR_PROPERTY, "data"));
    LocalData.Spec spec = new LocalData.Spec(dataset, dataFolder, partition, clientIndex, of, seed,
        trainLimit, testLimit);
    AgentSettings settings = new AgentSettings(server, ca, enrollToken, deviceName(),
        Duration.ofSeconds(20), Duration.ofMillis(Math.min(500, backoffMax.toMillis())),
        backoffMax);
    LocalData data = LocalData.load(spec); // not on disk: exit 3 by Fedge.handle
    log.accept("data: " + data.description());
    log.accept(where.describe());
    try (DjlTrainers trainers = new DjlTrainers(data, seed, threads);
        EdgeAgent agent = new EdgeAgent(settings, trainers,
            new DeviceProbe().with("trains_on", where.device() + " (" + where.note() + ")")
                // what a run spec's data step checks (docs/PIPELINE.md)
                .with("dataset", dataset)
                .with("train_examples", Integer.toString(data.train().size())), log)) {
      Thread hook = new Thread(agent::stop, "fedge-client-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        log.accept("connecting to " + server + (ca != null ? " with TLS" : "") + " as "
            + settings.name());
        agent.run();
      } catch (EdgeAgent.RegistrationRefused e) {
        throw new ExitException(ExitException.FAILURE, e.getMessage(), e);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down
        }
      }
    }
    return 0;
  }

  private String deviceName() {
    if (name != null) {
      return name;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "device";
    }
    return partition == null ? host : host + "-" + clientIndex;
  }
}
