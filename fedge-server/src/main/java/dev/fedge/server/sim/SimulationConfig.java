package dev.fedge.server.sim;

import dev.fedge.server.settings.FleetProfile;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.RunSettingsBinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything that defines a simulated federation: the run's {@link RunSettings}, bound for {@code
 * simulate} (keys as its flags without the dashes: {@code rounds}, {@code local-epochs}, ...), and
 * read through the accessors the simulation uses. {@link #toMap()} gives the resolved settings back
 * for the run folder's {@code config.yaml}.
 *
 * @param settings the run's settings, validated
 */
public record SimulationConfig(RunSettings settings) {

  /** Images a device of speed 1 trains per virtual second: the unit of the virtual clock. */
  public static final int IMAGES_PER_SECOND = RunSettings.IMAGES_PER_SECOND;

  /** The simulate keys, in order. */
  public static final List<String> KEYS = RunSettingsBinder.Use.SIMULATE.keys();

  /** Needs settings. */
  public SimulationConfig {
    if (settings == null) {
      throw new IllegalArgumentException("settings must not be null");
    }
  }

  /**
   * Builds a config from settings; missing keys take simulate's defaults.
   *
   * @param settings simulate's keys; values may be strings (from flags) or YAML scalars
   * @return the config
   * @throws IllegalArgumentException for an unknown key or a bad value, naming both
   */
  public static SimulationConfig fromMap(Map<String, ?> settings) {
    return new SimulationConfig(RunSettingsBinder.bind(RunSettingsBinder.Use.SIMULATE, settings));
  }

  /** The resolved settings, with simulate's keys. */
  public Map<String, Object> toMap() {
    return settings.toMap(RunSettingsBinder.Use.SIMULATE);
  }

  /** Run name (the run folder's name). */
  public String name() {
    return settings.name();
  }

  /** The task: {@code classify} or {@code reid}. */
  public String task() {
    return settings.task();
  }

  /** Whether this is a re-identification run. */
  public boolean reid() {
    return settings.reid();
  }

  /** Data set name. */
  public String dataset() {
    return settings.dataset();
  }

  /** Model name. */
  public String model() {
    return settings.model();
  }

  /** Strategy name. */
  public String strategy() {
    return settings.strategy();
  }

  /** Strategy parameters. */
  public Map<String, String> strategyOptions() {
    return settings.strategyOpts();
  }

  /** Simulated clients. */
  public int clients() {
    return settings.clients();
  }

  /** Fraction of clients sampled each round. */
  public double fraction() {
    return settings.fraction();
  }

  /** Rounds. */
  public int rounds() {
    return settings.rounds();
  }

  /** Local epochs per round. */
  public int localEpochs() {
    return settings.localEpochs();
  }

  /** Local mini-batch size. */
  public int batchSize() {
    return settings.batchSize();
  }

  /** Local SGD learning rate. */
  public double lr() {
    return settings.lr();
  }

  /** Local SGD momentum. */
  public double momentum() {
    return settings.momentum();
  }

  /** Local weight decay. */
  public double weightDecay() {
    return settings.weightDecay();
  }

  /** {@code iid}, {@code dirichlet:ALPHA} or {@code shards:K}. */
  public String partition() {
    return settings.partition();
  }

  /** Seed of everything random. */
  public long seed() {
    return settings.seed();
  }

  /** PyTorch threads. */
  public int threads() {
    return settings.threads();
  }

  /** Run folder. */
  public Path out() {
    return settings.outDir();
  }

  /** Data folder. */
  public Path dataDir() {
    return settings.dataPath();
  }

  /** Fraction of clients that evaluate locally each round. */
  public double fractionEvaluate() {
    return settings.fractionEvaluate();
  }

  /** First N test images for the central evaluation (0: all). */
  public int testLimit() {
    return settings.testLimit();
  }

  /** Test images each client evaluates on. */
  public int clientTestLimit() {
    return settings.clientTestLimit();
  }

  /** First N training images (0: all). */
  public int trainLimit() {
    return settings.trainLimit();
  }

  /** Relative speeds of the simulated devices, given to the clients in turn. */
  public List<Double> clientSpeeds() {
    return settings.clientSpeeds();
  }

  /** The simulated fleet by device class, or {@code null} when the run has none ({@code --fleet}). */
  public FleetProfile fleet() {
    return settings.fleet();
  }

  /**
   * Whether the devices differ in speed or come and go (then the run reports its virtual time).
   */
  public boolean heterogeneous() {
    return settings.heterogeneous() || (fleet() != null && fleet().hasAvailability());
  }

  /**
   * The virtual seconds one local training of a client takes.
   *
   * @param client the client's index
   * @param examples its training images
   * @return {@code examples × local-epochs / (speed × IMAGES_PER_SECOND)}
   */
  public double taskSeconds(int client, int examples) {
    return settings.taskSeconds(client, examples);
  }
}
