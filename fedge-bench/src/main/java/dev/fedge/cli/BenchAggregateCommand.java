package dev.fedge.cli;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.api.TensorSpec;
import dev.fedge.strategy.FedAvg;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedge bench aggregate}: times a strategy's streaming aggregation of N client updates of P
 * float32 parameters, the way a server receives them: each update is built, folded in with {@code
 * FitAggregation.accept} (checks included) and dropped before the next. Reports the aggregation
 * time and the peak memory: the JVM heap high-water mark (sum of the heap pools' peak usage) and
 * the process's peak resident set ({@code VmHWM} in {@code /proc/self/status}).
 */
@Command(
    name = "aggregate",
    mixinStandardHelpOptions = true,
    description = {
      "Time a strategy's streaming aggregation of N updates of P float32 parameters, and its peak"
          + " memory.",
      "Run each --updates value in its own process for independent memory peaks."
    })
public final class BenchAggregateCommand extends BaseCommand {

  private static final int TENSOR_MAX = 1 << 20;
  private static final int NOISE = 1 << 16;
  private static final int PROBES = 64;
  private static final double MIB = 1024.0 * 1024.0;

  @Option(names = "--params", paramLabel = "P", defaultValue = "11700000",
      description = "Parameters per update (default ${DEFAULT-VALUE}, ResNet-18's size).")
  int params;

  @Option(names = "--updates", paramLabel = "N[,N...]", split = ",", defaultValue = "10,100",
      description = "Numbers of updates to aggregate, one measurement each (default ${DEFAULT-VALUE}).")
  List<Integer> updates;

  @Option(names = "--strategy", defaultValue = "fedavg",
      description = "Strategy whose aggregation is timed (default ${DEFAULT-VALUE}).")
  String strategy;

  @Option(names = "--strategy-opt", paramLabel = "KEY=VALUE",
      description = "Strategy option, repeatable (e.g. --strategy-opt beta=0.1).")
  Map<String, String> strategyOptions;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated updates.")
  long seed;

  /** One measurement. */
  private record Row(
      int updates,
      double aggregateSeconds,
      double acceptSeconds,
      double finishSeconds,
      double buildSeconds,
      double heapPeakMib,
      double liveMib,
      double rssPeakMib,
      String check) {}

  @Override
  protected int doCall() throws IOException {
    if (params < 1) {
      throw new IllegalArgumentException("--params: must be >= 1, got " + params);
    }
    for (int n : updates) {
      if (n < 1) {
        throw new IllegalArgumentException("--updates: each must be >= 1, got " + n);
      }
    }
    Map<String, String> options = strategyOptions == null ? Map.of() : strategyOptions;
    StrategySettings settings =
        StrategySettings.defaults().withSampling(1.0, Collections.min(updates)).withSeed(seed);
    // validates the name and the options before any work
    Strategies.create(strategy, options, settings);

    PrintWriter out = out();
    out.printf(
        Locale.ROOT,
        "fedge bench aggregate: strategy %s, %,d float32 parameters per update (%.1f MiB), %d cores,"
            + " max heap %.0f MiB, Java %s%n",
        strategy, params, params * 4 / MIB, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / MIB, System.getProperty("java.version"));
    out.flush();

    ParameterLayout layout = layout(params);
    List<Row> rows = new ArrayList<>();
    boolean resetRss = true;
    for (int n : updates) {
      resetRss &= resetPeaks();
      rows.add(measure(Strategies.create(strategy, options, settings), layout, n));
    }

    out.println();
    out.println(
        "| updates | aggregate s | per update ms | finish ms | heap peak MiB | live MiB"
            + " | RSS peak MiB | build s | check |");
    out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (Row r : rows) {
      out.printf(
          Locale.ROOT,
          "| %d | %.3f | %.1f | %.0f | %.0f | %.0f | %.0f | %.2f | %s |%n",
          r.updates(), r.aggregateSeconds(), r.acceptSeconds() * 1000 / r.updates(),
          r.finishSeconds() * 1000, r.heapPeakMib(), r.liveMib(), r.rssPeakMib(),
          r.buildSeconds(), r.check());
    }
    out.println();
    out.println(
        "aggregate = all accept() calls (layout and finite checks + fold) + finish(); live = heap"
            + " in use after a full GC once every update was folded in (global model + accumulator);"
            + " heap peak also counts dropped updates the GC had not yet collected; build ="
            + " generating the updates (not counted).");
    if (rows.size() > 1 && !resetRss) {
      out.println("note: the RSS peak could not be reset between measurements (/proc/self/clear_refs);"
          + " later rows include earlier peaks.");
    }
    return 0;
  }

  private Row measure(Strategy s, ParameterLayout layout, int n) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] noise = new float[NOISE];
    for (int i = 0; i < NOISE; i++) {
      noise[i] = (float) (random.nextGaussian() * 0.01);
    }
    float[] g = new float[params];
    for (int i = 0; i < params; i++) {
      g[i] = noise[(int) ((i * 0x9E3779B1L) & (NOISE - 1))] * 5;
    }
    Parameters global = new Parameters(layout, g);
    int[] probes = new int[PROBES];
    for (int j = 0; j < PROBES; j++) {
      probes[j] = (int) ((long) j * (params - 1) / Math.max(1, PROBES - 1));
    }
    double[] expected = new double[PROBES];
    double totalExamples = 0;

    FitAggregation agg = s.startAggregation(1, global);
    long acceptNanos = 0;
    long buildNanos = 0;
    for (int k = 0; k < n; k++) {
      long t0 = System.nanoTime();
      float scale = (float) (0.5 + random.nextDouble());
      int shift = random.nextInt(NOISE);
      float[] v = new float[params];
      for (int i = 0; i < params; i++) {
        v[i] = g[i] + scale * noise[(i + shift) & (NOISE - 1)];
      }
      int examples = 50 + random.nextInt(1000);
      FitRes res =
          new FitRes(
              new Parameters(layout, v),
              examples,
              Map.of(FitRes.LOSS, 1.0 + random.nextDouble(), FitRes.NUM_STEPS, 10.0));
      for (int j = 0; j < PROBES; j++) {
        expected[j] += (double) examples * v[probes[j]];
      }
      totalExamples += examples;
      long t1 = System.nanoTime();
      try {
        agg.accept("client-" + k, res);
      } catch (OutOfMemoryError e) {
        throw outOfMemory(s, n, k, e);
      }
      long t2 = System.nanoTime();
      buildNanos += t1 - t0;
      acceptNanos += t2 - t1;
    }
    System.gc();
    long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long f0 = System.nanoTime();
    AggregateResult result;
    try {
      result = agg.finish(List.of());
    } catch (OutOfMemoryError e) {
      throw outOfMemory(s, n, n, e);
    }
    long finishNanos = System.nanoTime() - f0;

    String check = "n/a (" + s.name() + ")";
    if (s.getClass() == FedAvg.class) {
      float[] w = result.parameters().orElseThrow().values();
      double maxError = 0;
      for (int j = 0; j < PROBES; j++) {
        maxError = Math.max(maxError, Math.abs(w[probes[j]] - expected[j] / totalExamples));
      }
      if (maxError > 1e-6) {
        throw new ExitException(
            ExitException.FAILURE,
            "aggregate differs from the weighted mean at the probes by " + maxError);
      }
      check = String.format(Locale.ROOT, "weighted mean ok (max error %.1e)", maxError);
    }
    return new Row(
        n,
        (acceptNanos + finishNanos) / 1e9,
        acceptNanos / 1e9,
        finishNanos / 1e9,
        buildNanos / 1e9,
        MemoryStats.heapPeakBytes() / MIB,
        live / MIB,
        MemoryStats.rssPeakKib() / 1024.0,
        check);
  }

  private ExitException outOfMemory(Strategy s, int n, int k, OutOfMemoryError e) {
    return new ExitException(
        ExitException.FAILURE,
        "out of memory after " + k + " of " + n + " updates with strategy " + s.name()
            + " (max heap " + Math.round(Runtime.getRuntime().maxMemory() / MIB)
            + " MiB); strategies that buffer updates need about N x P x 4 bytes: raise -Xmx with"
            + " FEDGE_JAVA_OPTS",
        e);
  }

  /** A layout of P values in tensors of at most 2^20 values. */
  static ParameterLayout layout(int p) {
    List<TensorSpec> tensors = new ArrayList<>();
    int left = p;
    for (int i = 0; left > 0; i++) {
      int size = Math.min(left, TENSOR_MAX);
      tensors.add(new TensorSpec("layer" + i + ".weight", new int[] {size}));
      left -= size;
    }
    return new ParameterLayout(tensors);
  }

  /** Collects garbage and resets the peaks; false when the RSS peak could not be reset. */
  private static boolean resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    try {
      // "5" resets VmHWM to the current RSS (Linux 4.0+)
      Files.writeString(Path.of("/proc/self/clear_refs"), "5", StandardCharsets.US_ASCII);
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }


}
