package dev.fedge.server.state;

import dev.fedge.api.FitRes;

/**
 * A device's measured training speed: images and optimiser steps per second of its local
 * training (wall clock on the device), smoothed over its recent fit tasks as an exponentially
 * weighted moving average with weight {@value #ALPHA} on the newest task (the first task sets
 * it). The numbers come from the fit results' {@link FitRes#TRAIN_SECONDS}, {@link
 * FitRes#TRAIN_IMAGES} and {@link FitRes#NUM_STEPS} metrics.
 *
 * @param imagesPerSecond training images per second, NaN when not measured
 * @param stepsPerSecond optimiser steps per second, NaN when not measured
 * @param tasks fit tasks measured, >= 0 (0: not measured)
 */
public record DeviceSpeed(double imagesPerSecond, double stepsPerSecond, long tasks) {

  /** Weight of the newest task in the moving average. */
  public static final double ALPHA = 0.3;

  /** Not measured. */
  public static final DeviceSpeed UNKNOWN = new DeviceSpeed(Double.NaN, Double.NaN, 0);

  /** Validates. */
  public DeviceSpeed {
    if (tasks < 0) {
      throw new IllegalArgumentException("device speed: tasks must be >= 0, got " + tasks);
    }
    if (tasks > 0 && !(imagesPerSecond >= 0 && stepsPerSecond >= 0)) {
      throw new IllegalArgumentException("device speed: a measured speed must be >= 0, got "
          + imagesPerSecond + " images/s, " + stepsPerSecond + " steps/s");
    }
  }

  /** Whether at least one task was measured. */
  public boolean measured() {
    return tasks > 0;
  }

  /**
   * The speed after one more fit result.
   *
   * @param res a fit result
   * @return the new speed; this one when the result carries no positive {@code train_seconds} or
   *     no steps
   */
  public DeviceSpeed observe(FitRes res) {
    return observe(res.metrics());
  }

  /**
   * The speed after one more task, from its result's metrics (see {@link #observe(FitRes)}).
   *
   * @param metrics the result's metrics
   * @return the new speed, or this one when the metrics do not time the task
   */
  public DeviceSpeed observe(java.util.Map<String, Double> metrics) {
    double seconds = metrics.getOrDefault(FitRes.TRAIN_SECONDS, 0.0);
    double steps = metrics.getOrDefault(FitRes.TRAIN_STEPS,
        metrics.getOrDefault(FitRes.NUM_STEPS, 0.0));
    double images = metrics.getOrDefault(FitRes.TRAIN_IMAGES, 0.0);
    if (!(seconds > 0) || !(steps > 0) || !Double.isFinite(seconds + steps + images)) {
      return this;
    }
    double ips = images / seconds;
    double sps = steps / seconds;
    if (!measured()) {
      return new DeviceSpeed(ips, sps, 1);
    }
    return new DeviceSpeed(ALPHA * ips + (1 - ALPHA) * imagesPerSecond,
        ALPHA * sps + (1 - ALPHA) * stepsPerSecond, tasks + 1);
  }
}
