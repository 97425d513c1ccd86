package dev.fedge.strategy;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;

/**
 * The settings every strategy shares: how clients are sampled and what their trainers are told.
 *
 * @param fraction fraction of the available clients sampled for training each round, in (0, 1]
 * @param minClients at least this many clients are sampled (when available), &gt;= 1
 * @param seed the run's seed; client sampling is reproducible from (seed, round)
 * @param fitConfig the trainer settings sent with every {@code FitIns} ({@code local_epochs},
 *     {@code batch_size}, {@code lr}, {@code momentum}, {@code weight_decay}, ...); the strategy
 *     adds {@code round}, {@code seed} and its own keys
 * @param fractionEvaluate fraction of the available clients that evaluate the global model
 *     locally after each round, in [0, 1]; 0 = no client evaluation
 */
public record StrategySettings(
    double fraction, int minClients, long seed, Config fitConfig, double fractionEvaluate) {

  /** Validates every field; messages name the field and the value. */
  public StrategySettings {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction: must be in (0, 1], got " + fraction);
    }
    if (minClients < 1) {
      throw new IllegalArgumentException("minClients: must be >= 1, got " + minClients);
    }
    if (fitConfig == null) {
      throw new IllegalArgumentException("fitConfig: must not be null");
    }
    if (!(fractionEvaluate >= 0 && fractionEvaluate <= 1)) {
      throw new IllegalArgumentException(
          "fractionEvaluate: must be in [0, 1], got " + fractionEvaluate);
    }
    atLeast(fitConfig, ConfigKeys.LOCAL_EPOCHS, 1);
    atLeast(fitConfig, ConfigKeys.BATCH_SIZE, 1);
    double lr = fitConfig.getDouble(ConfigKeys.LR, 0.01);
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("fitConfig '" + ConfigKeys.LR + "': must be > 0, got " + lr);
    }
    double momentum = fitConfig.getDouble(ConfigKeys.MOMENTUM, 0);
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException(
          "fitConfig '" + ConfigKeys.MOMENTUM + "': must be in [0, 1), got " + momentum);
    }
    double decay = fitConfig.getDouble(ConfigKeys.WEIGHT_DECAY, 0);
    if (!(decay >= 0) || Double.isInfinite(decay)) {
      throw new IllegalArgumentException(
          "fitConfig '" + ConfigKeys.WEIGHT_DECAY + "': must be >= 0, got " + decay);
    }
  }

  private static void atLeast(Config config, String key, long min) {
    long v = config.getLong(key, min);
    if (v < min) {
      throw new IllegalArgumentException("fitConfig '" + key + "': must be >= " + min + ", got " + v);
    }
  }

  /**
   * The default trainer settings: 1 local epoch, batch size 32, lr 0.01, no momentum, no weight
   * decay.
   *
   * @return the default fit config
   */
  public static Config defaultFitConfig() {
    return Config.of(
        ConfigKeys.LOCAL_EPOCHS, 1L,
        ConfigKeys.BATCH_SIZE, 32L,
        ConfigKeys.LR, 0.01,
        ConfigKeys.MOMENTUM, 0.0,
        ConfigKeys.WEIGHT_DECAY, 0.0);
  }

  /**
   * Every client trains, at least one, seed 42, the default trainer settings, no client
   * evaluation.
   *
   * @return default settings
   */
  public static StrategySettings defaults() {
    return new StrategySettings(1.0, 1, 42L, defaultFitConfig(), 0.0);
  }

  /**
   * A copy with another sampling fraction and minimum.
   *
   * @param fraction fraction of the available clients, in (0, 1]
   * @param minClients lower bound, &gt;= 1
   * @return the new settings
   */
  public StrategySettings withSampling(double fraction, int minClients) {
    return new StrategySettings(fraction, minClients, seed, fitConfig, fractionEvaluate);
  }

  /**
   * A copy with another seed.
   *
   * @param seed the run's seed
   * @return the new settings
   */
  public StrategySettings withSeed(long seed) {
    return new StrategySettings(fraction, minClients, seed, fitConfig, fractionEvaluate);
  }

  /**
   * A copy with another client-evaluation fraction.
   *
   * @param fractionEvaluate in [0, 1]; 0 = none
   * @return the new settings
   */
  public StrategySettings withFractionEvaluate(double fractionEvaluate) {
    return new StrategySettings(fraction, minClients, seed, fitConfig, fractionEvaluate);
  }
}
