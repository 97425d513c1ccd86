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
  void putInto(Map<String, Object> m) {
    RunOptions.put(m, "model", model);
    RunOptions.put(m, "local-epochs", localEpochs);
    RunOptions.put(m, "batch-size", batchSize);
    RunOptions.put(m, "lr", lr);
    RunOptions.put(m, "momentum", momentum);
    RunOptions.put(m, "weight-decay", weightDecay);
  }
}
