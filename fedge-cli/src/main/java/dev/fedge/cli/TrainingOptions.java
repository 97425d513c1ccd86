package dev.fedge.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The local training flags of a run, shared by {@code simulate} and {@code server} as a picocli
 * {@code @Mixin}. A flag not given stays {@code null}, so that the run's settings (a YAML file, the
 * command's defaults) decide.
 */
public final class TrainingOptions {

  @Option(names = "--model", description = "cnn (default) or resnet18.")
  String model;

  @Option(names = "--local-epochs",
      description = "Local epochs per round (default: simulate 2, server 1).")
  Integer localEpochs;

  @Option(names = "--batch-size", description = "Local batch size (default 32).")
  Integer batchSize;

  @Option(names = "--lr", description = "Local SGD learning rate (default 0.01).")
  Double lr;

  @Option(names = "--momentum", description = "Local SGD momentum (default 0.9).")
  Double momentum;

  @Option(names = "--weight-decay", description = "Local weight decay (default 0).")
  Double weightDecay;

  /** Puts the given flags into run settings, under the settings' keys. */
  @Option(names = "--local-work", paramLabel = "epochs|deadline",
      description = "epochs (default): every client trains --local-epochs; deadline: each client "
          + "trains as many steps as fit in --round-deadline at its speed (at least "
          + "--min-local-steps, at most the epochs); --strategy fednova normalises the unequal work.")
  String localWork;

  @Option(names = "--round-deadline", paramLabel = "DURATION",
      description = "The round deadline (e.g. 2s, 500ms; virtual seconds in simulate): it "
          + "sizes local work with --local-work deadline; in simulate a synchronous round closes "
          + "at it and drops the devices that need longer; a server closes the round at 1.5x it "
          + "with --local-work deadline.")
  String roundDeadline;

  @Option(names = "--min-local-steps", paramLabel = "N",
      description = "The fewest local steps a client trains with --local-work deadline (default 1).")
  Integer minLocalSteps;

  @Option(names = "--widths", paramLabel = "auto|W1,W2,...",
      description = "HeteroFL (cnn, resnet18; fedavg, fedprox, fedntd): each client trains a "
          + "width-scaled submodel, the first slice of every tensor. A list is given to the "
          + "clients in turn (e.g. 1,0.5,0.25; none: the client takes no part; a server gives it "
          + "to its devices in the order it first sees them); auto picks each device's width "
          + "from its memory and speed (simulate: the fleet's; server: the device's registered "
          + "memory and measured speed). The evaluation reports every width.")
  String widths;

  void putInto(Map<String, Object> m) {
    RunOptions.put(m, "model", model);
    RunOptions.put(m, "local-epochs", localEpochs);
    RunOptions.put(m, "batch-size", batchSize);
    RunOptions.put(m, "lr", lr);
    RunOptions.put(m, "momentum", momentum);
    RunOptions.put(m, "weight-decay", weightDecay);
    RunOptions.put(m, "local-work", localWork);
    RunOptions.put(m, "round-deadline", roundDeadline);
    RunOptions.put(m, "min-local-steps", minLocalSteps);
    RunOptions.put(m, "widths", widths);
  }
}
