package dev.fedge.cli;

import dev.fedge.server.sim.Simulation;
import dev.fedge.server.sim.SimulationConfig;
import dev.fedge.server.study.HeterogeneityReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedge bench heterogeneity}: the heterogeneity study of issue 14 item 5. Every (method,
 * seed) cell is one {@code fedge simulate} run on the same fleet, in its own run folder under the
 * results folder; a cell whose folder holds its final model is complete and skipped, an unfinished
 * one is run again from the start. The report (table and plot) is rebuilt from the folders.
 */
@Command(
    name = "heterogeneity",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "The heterogeneity study on a fleet of mixed devices (default bench/fleets/drawer-on.yaml:"
          + " 1 GPU desktop, 2 Jetsons, 4 Raspberry Pis, assumed speeds), non-IID Fashion-MNIST"
          + " (dirichlet:0.3), on the virtual clock: FedAvg waiting for everyone, FedAvg with a"
          + " deadline that drops late devices, deadline-sized work (FedAvg and FedNova), FedBuff,"
          + " HeteroFL (the slowest class at 1/4 width) and, its baseline, the slowest class left"
          + " out.",
      "Reports the virtual time to 80 % and 85 % test accuracy, the final accuracy and the share"
          + " of each device class's data that reached the model. Complete cells are skipped."
    })
public final class BenchHeterogeneityCommand extends BaseCommand {

  /** The methods, in report order: name, description, the settings they add. */
  record Method(String name, String description, Map<String, Object> settings) {}

  @Option(names = "--methods", split = ",", paramLabel = "NAME",
      description = "Methods to run (default: all): fedavg-wait, fedavg-drop, deadline-fedavg, "
          + "deadline-fednova, deadline-fednova-h, deadline-fednova-g, fedbuff, heterofl, "
          + "slowest-excluded.")
  List<String> methods;

  @Option(names = "--seeds", defaultValue = "2", description = "Seeds 1..N (default ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--rounds", defaultValue = "15",
      description = "Rounds (FedBuff: model updates) per cell (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--deadline", defaultValue = "2s",
      description = "The round deadline of the deadline methods (default ${DEFAULT-VALUE}, virtual).")
  String deadline;

  @Option(names = "--fleet", paramLabel = "FILE",
      description = "The fleet (default bench/fleets/drawer-on.yaml).")
  Path fleet;

  @Option(names = "--train-limit", defaultValue = "14000",
      description = "First N training images (default ${DEFAULT-VALUE}; 0 = all).")
  int trainLimit;

  @Option(names = "--test-limit", defaultValue = "2000",
      description = "First N test images (default ${DEFAULT-VALUE}).")
  int testLimit;

  @Option(names = "--local-epochs", defaultValue = "2",
      description = "Local epochs (default ${DEFAULT-VALUE}).")
  int localEpochs;

  @Option(names = "--results", paramLabel = "DIR",
      description = "Results folder, one run folder per cell (default bench/heterogeneity).")
  Path results;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Report file; the plot goes beside it (default <results>/REPORT.md).")
  Path report;

  @Option(names = "--report-only", description = "Only rebuild the report from the results.")
  boolean reportOnly;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default ./data).")
  Path dataDir;

  /**
   * The methods.
   *
   * @param deadline the deadline methods' round deadline
   * @param slowest the fleet's slowest class(es), one flag per device in fleet order (HeteroFL
   *     gives those 1/4 width, every other device the full model)
   * @return them, in report order
   */
  static List<Method> all(String deadline, List<Boolean> slowest) {
    return List.of(
        new Method("fedavg-wait", "FedAvg, fixed epochs, every round waits for its slowest device",
            Map.of()),
        new Method("fedavg-drop", "FedAvg, fixed epochs, rounds close at the deadline, late "
            + "devices dropped", Map.of("round-deadline", deadline)),
        new Method("deadline-fedavg", "deadline-sized local work, FedAvg",
            Map.of("local-work", "deadline", "round-deadline", deadline)),
        new Method("deadline-fednova", "deadline-sized local work, FedNova",
            Map.of("local-work", "deadline", "round-deadline", deadline, "strategy", "fednova")),
        new Method("deadline-fednova-h", "deadline-sized local work, FedNova with the harmonic"
            + " tau_eff (a convex combination of the clients' models, weighted by n_i / a_i)",
            Map.of("local-work", "deadline", "round-deadline", deadline,
                "strategy", Map.of("name", "fednova", "tau_eff", "harmonic"))),
        new Method("deadline-fednova-g", "deadline-sized local work, FedNova with the geometric"
            + " tau_eff (between the paper's mean and the harmonic mean)",
            Map.of("local-work", "deadline", "round-deadline", deadline,
                "strategy", Map.of("name", "fednova", "tau_eff", "geometric"))),
        new Method("fedbuff", "FedBuff (buffer 3, concurrency 7), asynchronous",
            Map.of("strategy", Map.of("name", "fedbuff", "buffer_size", "3",
                "concurrency", "7"))),
        new Method("heterofl", "HeteroFL, fixed epochs, waits for everyone; the slowest class "
            + "trains the 1/4-width submodel (accuracy: the full model's)",
            Map.of("widths", widthList(slowest, "0.25"))),
        new Method("slowest-excluded", "FedAvg, fixed epochs, waits for everyone; the slowest "
            + "class takes no part (HeteroFL's baseline)",
            Map.of("widths", widthList(slowest, "none"))));
  }

  /** HeteroFL's {@code widths}: {@code slow} for the slowest devices, 1 for the others. */
  static String widthList(List<Boolean> slowest, String slow) {
    return String.join(",", slowest.stream().map(b -> b ? slow : "1").toList());
  }

  /** One flag per device of the fleet: whether it is of the slowest speed. */
  static List<Boolean> slowest(dev.fedge.server.settings.FleetProfile fleet) {
    List<Double> speeds = fleet.speeds();
    double min = speeds.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = speeds.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return speeds.stream().map(v -> v == min && min < max).toList();
  }

  @Override
  protected int doCall() throws IOException {
    Path fleetFile = fleet != null ? fleet : Path.of("bench/fleets/drawer-on.yaml");
    if (!Files.isRegularFile(fleetFile)) {
      throw new IllegalArgumentException("--fleet: no file " + fleetFile);
    }
    List<Method> known = all(deadline,
        slowest(dev.fedge.server.settings.FleetProfile.read(fleetFile)));
    List<Method> chosen = new ArrayList<>();
    if (methods == null || methods.isEmpty()) {
      chosen.addAll(known);
    } else {
      for (String m : methods) {
        chosen.add(known.stream().filter(k -> k.name().equals(m.strip())).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("--methods: unknown method '" + m
                + "'; known: " + String.join(", ", known.stream().map(Method::name).toList()))));
      }
    }
    if (seeds < 1 || rounds < 1) {
      throw new IllegalArgumentException("--seeds and --rounds must be >= 1, got " + seeds
          + " and " + rounds);
    }
    Path res = results != null ? results : Path.of("bench/heterogeneity");
    Path rep = report != null ? report : res.resolve("REPORT.md");
    List<HeterogeneityReport.Cell> cells = new ArrayList<>();
    int total = chosen.size() * seeds;
    int k = 0;
    for (Method m : chosen) {
      for (long seed = 1; seed <= seeds; seed++) {
        k++;
        Path folder = res.resolve(m.name() + "-s" + seed);
        String label = String.format(Locale.ROOT, "[%d/%d %s s%d]", k, total, m.name(), seed);
        if (!reportOnly && !Files.exists(folder.resolve("model.safetensors"))) {
          if (Files.exists(folder)) {
            BenchChildren.deleteTree(folder);
          }
          Files.createDirectories(folder);
          out().println(label + " running");
          out().flush();
          Map<String, Object> s = cellSettings(m, seed, fleetFile, folder);
          new Simulation(SimulationConfig.fromMap(s), new LabelledProgress(label)).run();
        } else if (!reportOnly) {
          out().println(label + " complete, skipped");
        }
        if (Files.exists(folder.resolve("timeline.csv"))) {
          cells.add(HeterogeneityReport.read(m.name(), seed, folder));
        }
      }
    }
    Map<String, String> described = new LinkedHashMap<>();
    chosen.forEach(m -> described.put(m.name(), m.description()));
    String plotName = rep.getFileName().toString().replaceFirst("\\.md$", "") + "-time.svg";
    Path parent = rep.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    String setup = String.format(Locale.ROOT, "Fleet `%s`, Fashion-MNIST `dirichlet:0.3`, first "
        + "%d training and %d test images, `cnn`, batch 32, %d local epochs, %d rounds, round "
        + "deadline %s, seeds 1-%d. Made by `fedge bench heterogeneity` from the run folders in "
        + "`%s`; times are virtual seconds (a speed-1 device trains 1,000 images a second).",
        fleetFile, trainLimit, testLimit, localEpochs, rounds, deadline, seeds, res);
    Files.writeString(rep, HeterogeneityReport.markdown("Heterogeneity study", setup, described,
        cells, plotName));
    HeterogeneityReport.plot("accuracy against virtual time", cells).write(parent.resolve(plotName));
    out().println("report: " + rep + " (" + cells.size() + " cells), plot: "
        + parent.resolve(plotName));
    return 0;
  }

  private Map<String, Object> cellSettings(Method m, long seed, Path fleetFile, Path folder) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", m.name() + "-s" + seed);
    s.put("fleet", fleetFile.toString());
    s.put("partition", "dirichlet:0.3");
    s.put("train-limit", trainLimit);
    s.put("test-limit", testLimit);
    s.put("local-epochs", localEpochs);
    s.put("rounds", rounds);
    s.put("seed", seed);
    s.put("fraction", 1.0);
    s.put("out", folder.toString());
    if (dataDir != null) {
      s.put("data-dir", dataDir.toString());
    }
    s.putAll(m.settings());
    return s;
  }

  /** A line per round, with the cell's label. */
  private final class LabelledProgress implements dev.fedge.server.sim.SimulationProgress {
    private final String label;

    LabelledProgress(String label) {
      this.label = label;
    }

    @Override
    public void info(String line) {
      out().println(label + " " + line.strip());
      out().flush();
    }

    @Override
    public void roundFinished(dev.fedge.server.RoundResult r, int rounds) {
      out().println(String.format(Locale.ROOT, "%s round %d/%d  accuracy %.4f  virtual %.1f s",
          label, r.round(), rounds, r.accuracy(),
          r.metrics().getOrDefault(Simulation.VIRTUAL_SECONDS, 0.0)));
      out().flush();
    }
  }
}
