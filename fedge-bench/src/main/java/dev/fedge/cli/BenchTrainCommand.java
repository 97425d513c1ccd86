package dev.fedge.cli;

import dev.fedge.data.DataSplit;
import dev.fedge.data.DatasetUnavailableException;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.TrainBenchmark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedge bench train}: local training throughput (images per second) of the real {@code
 * DjlLocalTrainer} on Fashion-MNIST (or another data set), per batch size, after a warm-up epoch;
 * optionally the resident memory over many rounds.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Measure local training throughput (images/s) of the DJL trainer per batch size, after a"
          + " warm-up epoch.",
      "Each timed epoch is one fit() from the same start model, parameter copies included."
    })
public final class BenchTrainCommand extends BaseCommand {

  private static final double MIB = 1024.0 * 1024.0;

  @Option(
      names = "--model",
      defaultValue = "cnn",
      description = "Model: cnn, resnet18, mobilenetv2[-x<width>] or efficientnet-b0 (default ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--dataset",
      defaultValue = "fashion-mnist",
      description = "Data set (default ${DEFAULT-VALUE}).")
  String dataset;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "data",
      description = "Data folder (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--batch-sizes",
      paramLabel = "B",
      split = ",",
      defaultValue = "32,64,128",
      description = "Batch sizes (default ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "PyTorch threads, 0 for PyTorch's default (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--images",
      paramLabel = "N",
      defaultValue = "10000",
      description = "Training images per epoch (default ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description = "Timed epochs per batch size; the best is reported (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(
      names = "--rss-rounds",
      paramLabel = "R",
      defaultValue = "0",
      description =
          "Afterwards, run R rounds (fit + evaluate on 256 images) and report the"
              + " resident memory growth after 5 warm-up rounds (default ${DEFAULT-VALUE}: skip).")
  int rssRounds;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Model seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  protected int doCall() throws IOException {
    check(images >= 1, "--images", "must be >= 1", images);
    check(repeats >= 1, "--repeats", "must be >= 1", repeats);
    check(threads >= 0, "--threads", "must be >= 0", threads);
    check(rssRounds >= 0, "--rss-rounds", "must be >= 0", rssRounds);
    for (int b : batchSizes) {
      check(b >= 1, "--batch-sizes", "each must be >= 1", b);
    }
    DataSplit split;
    try {
      split = Datasets.load(dataset, dataDir);
    } catch (DatasetUnavailableException e) {
      throw new ExitException(ExitException.UNAVAILABLE, e.getMessage(), e);
    }
    ImageDataset train = split.train().head(images);
    PrintWriter out = out();
    try (DjlRuntime rt =
        DjlRuntime.create(
            model,
            train.channels(),
            train.height(),
            train.width(),
            train.numClasses(),
            seed,
            threads)) {
      out.printf(
          Locale.ROOT,
          "fedge bench train: model %s (%,d parameters), %s: %,d images %dx%dx%d, PyTorch"
              + " threads %d, allocator %s, %d cores, Java %s%nOpenMP waiting: %s%n",
          model,
          rt.layout().totalSize(),
          dataset,
          train.size(),
          train.channels(),
          train.height(),
          train.width(),
          DjlRuntime.effectiveThreads(),
          TrainBenchmark.allocator(),
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          DjlRuntime.openMpWaiting());
      out.println();
      out.printf(
          Locale.ROOT,
          "| batch | warm-up epoch img/s | img/s (best of %d) | mean img/s | img per CPU-s"
              + " | loss | RSS MiB |%n",
          repeats);
      out.println("|---:|---:|---:|---:|---:|---:|---:|");
      out.flush();
      for (int b : batchSizes) {
        TrainBenchmark.Result r = TrainBenchmark.run(rt, train, b, repeats);
        out.printf(
            Locale.ROOT,
            "| %d | %,.0f | %,.0f | %,.0f | %,.0f | %.3f | %.0f |%n",
            r.batchSize(),
            r.warmUpImagesPerSecond(),
            r.imagesPerSecond(),
            r.meanImagesPerSecond(),
            r.imagesPerCpuSecond(),
            r.loss(),
            r.rssBytes() / MIB);
        out.flush();
      }
      if (rssRounds > 0) {
        int warmUp = Math.min(5, rssRounds);
        TrainBenchmark.MemoryTrace trace =
            TrainBenchmark.rounds(rt, train.head(256), batchSizes.get(0), rssRounds, warmUp);
        out.println();
        out.printf(
            Locale.ROOT,
            "RSS over %d rounds (fit + evaluate, 256 images, batch %d): %.0f MiB after %d"
                + " warm-up rounds, %.0f MiB at the end, largest growth %.1f MiB%n",
            rssRounds,
            batchSizes.get(0),
            trace.afterWarmUp() / MIB,
            warmUp,
            trace.rssBytes().get(trace.rssBytes().size() - 1) / MIB,
            trace.growth() / MIB);
      }
    }
    return 0;
  }

  private static void check(boolean ok, String option, String rule, int value) {
    if (!ok) {
      throw new IllegalArgumentException(option + ": " + rule + ", got " + value);
    }
  }
}
