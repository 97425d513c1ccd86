package dev.fedge.cli;

import dev.fedge.server.sim.Simulation;
import dev.fedge.server.sim.SimulationConfig;
import dev.fedge.server.sim.SimulationReport;
import dev.fedge.server.settings.RunSettingsBinder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
      "With no options: Fashion-MNIST, cnn, 10 IID clients, FedAvg, 4 rounds of 2 local epochs."
    })
public final class SimulateCommand extends BaseCommand {

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML file with settings (keys as the flags, e.g. local-epochs: 2).")
  Path config;

  @Option(names = "--name", description = "Run name (default: from dataset, strategy, partition, seed).")
  String name;

  @Option(names = "--task", description = "classify (default) or reid: an embedding model "
      + "evaluated by CMC rank-1/5/10 and mAP; --dataset veri776 or market1501 (their real "
      + "layouts in --data-dir; input 64x32, or e.g. veri776:256x128), or fashion-mnist, the "
      + "open-set retrieval proxy (docs/REID.md). Partitions for reid also: camera, identity:N.")
  String task;

  @Mixin RunOptions run;

  @Mixin TrainingOptions training;

  @Option(names = "--clients", description = "Number of clients (default 10).")
  Integer clients;

  @Option(names = "--partition", description = "iid (default), dirichlet:ALPHA, shards:K.")
  String partition;

  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default runs/<name>).")
  Path out;

  @Option(names = "--overwrite",
      description = "Write into a run folder that holds an earlier run (default: refuse; without "
          + "--out, a new numbered folder runs/<name>-2, -3, ...).")
  boolean overwrite;

  @Option(names = "--train-limit", description = "Use the first N training images only (default all).")
  Integer trainLimit;

  @Option(names = "--client-speeds", paramLabel = "S1,S2,...",
      description = "Relative speeds of the simulated devices, given to the clients in turn "
          + "(e.g. 1,0.25,0.05 for a GPU, a Jetson and a Pi; default 1: all alike). They set "
          + "the run's virtual clock: a speed-1 device trains 1,000 images a virtual second.")
  String clientSpeeds;

  @Option(names = "--fleet", paramLabel = "FILE",
      description = "YAML fleet by device class (count, speed, memory, availability: on/off "
          + "periods on the virtual clock); sets the clients and their speeds. A running server "
          + "exports the fleet it measured: GET /api/v1/fleet-profile.")
  Path fleet;

  @Option(names = "--workers", paramLabel = "N",
      description = "Train the clients in N worker processes (default: one per core, at most the "
          + "clients of a round, when a round trains 20,000 images or more; 1: in this process). "
          + "The same seed gives the same results for any N with the same PyTorch threads per "
          + "process; --threads is shared among them.")
  Integer workers;

  @Override
  protected int doCall() throws IOException {
    if (workers != null && workers < 1) {
      throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
    }
    Map<String, Object> settings = settings();
    SimulationConfig cfg = SimulationConfig.fromMap(settings);
    Path folder = RunFolders.free(cfg.out(), settings.containsKey("out") || overwrite);
    if (!folder.equals(cfg.out())) {
      err().println("fedge: run folder " + cfg.out() + " holds an earlier run; writing to "
          + folder + " (--overwrite to replace it)");
      settings.put("out", folder.toString());
      cfg = SimulationConfig.fromMap(settings);
    } else if (!overwrite) {
      RunFolders.checkNoEarlierRun(folder);
    }
    RunFolders.create(folder);
    SimulationReport report = new Simulation(cfg,
        new ConsoleProgress(out(), err(), cfg.heterogeneous()))
        .workers(workers != null ? workers : 0)
        .run();
    out().println(report.summary());
    out().flush();
    return 0;
  }

  /** The merged settings: the YAML file's, then the flags'. */
  Map<String, Object> settings() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    if (config != null) {
      m.putAll(RunSettingsBinder.readYaml(config));
    }
    RunOptions.put(m, "name", name);
    RunOptions.put(m, "task", task);
    run.putInto(m);
    training.putInto(m);
    RunOptions.put(m, "clients", clients);
    RunOptions.put(m, "partition", partition);
    RunOptions.put(m, "out", out);
    RunOptions.put(m, "train-limit", trainLimit);
    RunOptions.put(m, "client-speeds", clientSpeeds);
    RunOptions.put(m, "fleet", fleet == null ? null : fleet.toString());
    return m;
  }
}
