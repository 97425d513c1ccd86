package dev.fedge.ml;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures local training throughput through the real {@link DjlLocalTrainer}: one epoch over the
 * images as warm-up (its speed is reported too: it includes the allocator's first-touch page
 * faults), then timed epochs, each one {@code fit} call from the same start model (parameter load
 * and copy-out included).
 */
public final class TrainBenchmark {

  /**
   * One batch size's measurement.
   *
   * @param batchSize images per step
   * @param warmUpImagesPerSecond speed of the first epoch
   * @param imagesPerSecond speed of the fastest timed epoch
   * @param meanImagesPerSecond mean speed of the timed epochs
   * @param imagesPerCpuSecond images per second of process CPU time (all threads) in the timed
   *     epoch with the least CPU time: an efficiency figure that other processes on the same cores
   *     barely change, unlike wall-clock speed
   * @param loss mean training loss of the last epoch
   * @param rssBytes resident memory after the epochs
   */
  public record Result(
      int batchSize,
      double warmUpImagesPerSecond,
      double imagesPerSecond,
      double meanImagesPerSecond,
      double imagesPerCpuSecond,
      double loss,
      long rssBytes) {}

  /**
   * Resident memory over rounds of training and evaluation.
   *
   * @param rssBytes resident set after each round
   * @param warmUpRounds rounds before the reference point
   */
  public record MemoryTrace(List<Long> rssBytes, int warmUpRounds) {

    /** Copies the list. */
    public MemoryTrace {
      rssBytes = List.copyOf(rssBytes);
    }

    /** Resident set after the warm-up rounds. */
    public long afterWarmUp() {
      return rssBytes.get(Math.min(warmUpRounds, rssBytes.size()) - 1);
    }

    /** Largest resident set after the warm-up, minus {@link #afterWarmUp()}. */
    public long growth() {
      long max = afterWarmUp();
      for (int i = warmUpRounds; i < rssBytes.size(); i++) {
        max = Math.max(max, rssBytes.get(i));
      }
      return max - afterWarmUp();
    }
  }

  private TrainBenchmark() {}

  /**
   * Measures one batch size.
   *
   * @param runtime the runtime
   * @param images training images (all of them are one epoch)
   * @param batchSize images per step
   * @param repeats timed epochs after the warm-up, >= 1
   * @return the measurement
   */
  public static Result run(DjlRuntime runtime, ImageDataset images, int batchSize, int repeats) {
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats: must be >= 1, got " + repeats);
    }
    LocalTrainer trainer = runtime.trainer(images, null, 0);
    Parameters start = runtime.initialParameters();
    Config config = Config.of(ConfigKeys.BATCH_SIZE, batchSize, ConfigKeys.ROUND, 1);
    long t0 = System.nanoTime();
    trainer.fit(new FitIns(start, config));
    double warmUp = images.size() / seconds(t0);
    double best = 0;
    double sum = 0;
    double bestCpu = 0;
    double loss = Double.NaN;
    for (int r = 0; r < repeats; r++) {
      long t = System.nanoTime();
      long cpu = processCpuNanos();
      FitRes res = trainer.fit(new FitIns(start, config.with(ConfigKeys.ROUND, 2 + r)));
      double speed = images.size() / seconds(t);
      long cpuUsed = processCpuNanos() - cpu;
      best = Math.max(best, speed);
      sum += speed;
      if (cpu >= 0 && cpuUsed > 0) {
        bestCpu = Math.max(bestCpu, images.size() / (cpuUsed / 1e9));
      }
      loss = res.metric(FitRes.LOSS, Double.NaN);
    }
    return new Result(
        batchSize, warmUp, best, sum / repeats, bestCpu, loss, ProcessMemory.rssBytes());
  }

  /**
   * Runs federated-style rounds on one runtime (a fit from the current model, an evaluation, the
   * result becomes the next model) and records the resident set after each round.
   *
   * @param runtime the runtime
   * @param images a client's training and test images
   * @param batchSize images per step
   * @param rounds number of rounds, >= 1
   * @param warmUpRounds rounds before the reference point, in [1, rounds]
   * @return the resident set after every round
   */
  public static MemoryTrace rounds(
      DjlRuntime runtime, ImageDataset images, int batchSize, int rounds, int warmUpRounds) {
    if (rounds < 1 || warmUpRounds < 1 || warmUpRounds > rounds) {
      throw new IllegalArgumentException(
          "rounds: need 1 <= warm-up <= rounds, got " + warmUpRounds + " and " + rounds);
    }
    LocalTrainer trainer = runtime.trainer(images, images, 0);
    Parameters model = runtime.initialParameters();
    List<Long> rss = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      Config config =
          Config.of(
              ConfigKeys.BATCH_SIZE, batchSize, ConfigKeys.ROUND, r, ConfigKeys.MOMENTUM, 0.9);
      model = trainer.fit(new FitIns(model, config)).parameters();
      trainer.evaluate(new EvaluateIns(model, Config.empty()));
      rss.add(ProcessMemory.rssBytes());
    }
    return new MemoryTrace(rss, warmUpRounds);
  }

  /**
   * The native memory allocator of this process: {@code jemalloc} when it is loaded (e.g. with
   * {@code LD_PRELOAD}), else {@code glibc} with its {@code GLIBC_TUNABLES} if any are set.
   */
  public static String allocator() {
    try {
      if (Files.readString(Path.of("/proc/self/maps")).contains("libjemalloc")) {
        return "jemalloc";
      }
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
    String tunables = System.getenv("GLIBC_TUNABLES");
    return tunables == null || tunables.isBlank()
        ? "glibc"
        : "glibc (GLIBC_TUNABLES=" + tunables + ")";
  }

  /** CPU time of this process (all threads), or -1 where the JVM cannot tell. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
