package dev.fedge.ml;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Local training settings read from a round's {@link Config}, with the defaults of {@link
 * ConfigKeys}: 1 epoch, batch 32, lr 0.01, no momentum, no weight decay, objective {@code ce}.
 *
 * @param epochs local epochs, >= 1
 * @param batchSize mini-batch size, >= 1
 * @param lr learning rate, >= 0
 * @param momentum SGD momentum in [0, 1)
 * @param weightDecay L2 weight decay, >= 0
 * @param objective the loss
 * @param proximalMu FedProx's mu, >= 0 (0 unless the objective is FedProx)
 * @param ntdTau FedNTD's temperature, > 0
 * @param ntdBeta FedNTD's weight, >= 0
 * @param localLayers tensors that stay on the client, if any
 * @param labelSmoothing label smoothing of the cross-entropy, in [0, 1)
 * @param maxSteps most optimiser steps, all epochs together; 0: no limit beyond the epochs
 */
public record TrainSettings(
    int epochs,
    int batchSize,
    double lr,
    double momentum,
    double weightDecay,
    Objective objective,
    double proximalMu,
    double ntdTau,
    double ntdBeta,
    Optional<Pattern> localLayers,
    double labelSmoothing,
    int maxSteps) {

  /** Default local epochs. */
  public static final int DEFAULT_EPOCHS = 1;

  /** Default batch size. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  /** Default learning rate. */
  public static final double DEFAULT_LR = 0.01;

  /** Validates every field, naming the config key and the value. */
  public TrainSettings {
    check(epochs >= 1, ConfigKeys.LOCAL_EPOCHS, "must be >= 1", epochs);
    check(batchSize >= 1, ConfigKeys.BATCH_SIZE, "must be >= 1", batchSize);
    check(lr >= 0 && Double.isFinite(lr), ConfigKeys.LR, "must be a finite number >= 0", lr);
    check(momentum >= 0 && momentum < 1, ConfigKeys.MOMENTUM, "must be in [0, 1)", momentum);
    check(
        weightDecay >= 0 && Double.isFinite(weightDecay),
        ConfigKeys.WEIGHT_DECAY,
        "must be a finite number >= 0",
        weightDecay);
    check(
        proximalMu >= 0 && Double.isFinite(proximalMu),
        ConfigKeys.PROXIMAL_MU,
        "must be a finite number >= 0",
        proximalMu);
    check(ntdTau > 0 && Double.isFinite(ntdTau), ConfigKeys.NTD_TAU, "must be > 0", ntdTau);
    check(ntdBeta >= 0 && Double.isFinite(ntdBeta), ConfigKeys.NTD_BETA, "must be >= 0", ntdBeta);
    check(
        labelSmoothing >= 0 && labelSmoothing < 1,
        ConfigKeys.LABEL_SMOOTHING,
        "must be in [0, 1)",
        labelSmoothing);
    check(maxSteps >= 0, ConfigKeys.MAX_STEPS, "must be >= 0", maxSteps);
    if (objective == null) {
      throw new IllegalArgumentException("config 'objective': must not be null");
    }
    localLayers = localLayers == null ? Optional.empty() : localLayers;
  }

  private static void check(boolean ok, String key, String rule, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("config '" + key + "': " + rule + ", got " + value);
    }
  }

  /** The defaults. */
  public static TrainSettings defaults() {
    return from(Config.empty());
  }

  /**
   * Reads the settings from a config. Without an {@code objective} key, a positive {@code
   * proximal_mu} selects FedProx (as Flower's FedProx sends only {@code proximal_mu}); otherwise
   * the objective is cross-entropy. FedProx without {@code proximal_mu} is an error.
   *
   * @throws IllegalArgumentException naming the key and value that are wrong
   */
  public static TrainSettings from(Config c) {
    double mu = c.getDouble(ConfigKeys.PROXIMAL_MU, 0);
    Objective objective;
    if (c.has(ConfigKeys.OBJECTIVE)) {
      objective = Objective.parse(c.getString(ConfigKeys.OBJECTIVE, "ce"));
    } else {
      objective = mu > 0 ? Objective.FEDPROX : Objective.CE;
    }
    if (objective == Objective.FEDPROX && !c.has(ConfigKeys.PROXIMAL_MU)) {
      throw new IllegalArgumentException(
          "config 'proximal_mu': required for objective 'fedprox' (e.g. 0.01)");
    }
    Optional<Pattern> local = Optional.empty();
    String regex = c.getString(ConfigKeys.LOCAL_LAYERS, "");
    if (!regex.isBlank()) {
      try {
        local = Optional.of(Pattern.compile(regex));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "config 'local_layers': not a regular expression: '"
                + regex
                + "' ("
                + e.getDescription()
                + ")");
      }
    }
    return new TrainSettings(
        c.getInt(ConfigKeys.LOCAL_EPOCHS, DEFAULT_EPOCHS),
        c.getInt(ConfigKeys.BATCH_SIZE, DEFAULT_BATCH_SIZE),
        c.getDouble(ConfigKeys.LR, DEFAULT_LR),
        c.getDouble(ConfigKeys.MOMENTUM, 0),
        c.getDouble(ConfigKeys.WEIGHT_DECAY, 0),
        objective,
        objective == Objective.FEDPROX ? mu : 0,
        c.getDouble(ConfigKeys.NTD_TAU, 1),
        c.getDouble(ConfigKeys.NTD_BETA, 1),
        local,
        c.getDouble(ConfigKeys.LABEL_SMOOTHING, 0),
        c.getInt(ConfigKeys.MAX_STEPS, 0));
  }
}
