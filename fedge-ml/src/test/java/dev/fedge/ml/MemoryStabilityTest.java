package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loads, trains (FedNTD with momentum; FedProx with personal layers), evaluates and predicts for 50
 * rounds with two clients, and checks that the process's resident memory does not grow: parameters
 * are copied into native arrays in place, and every step frees its intermediate arrays.
 *
 * <p>The rounds run in a child JVM whose whole heap is committed and touched at start ({@code
 * -Xms=-Xmx -XX:+AlwaysPreTouch}), so a growing resident set can only be native memory.
 */
class MemoryStabilityTest {

  private static final long MIB = 1024 * 1024;
  private static final int ROUNDS = 50;
  private static final int WARM_UP = 5;

  @Test
  void residentMemoryStaysFlatOverFiftyRounds() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xms384m",
                "-Xmx384m",
                "-XX:+AlwaysPreTouch",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                MemoryStabilityTest.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();

    assertEquals(0, code, output);
    List<Long> rss =
        output
            .lines()
            .filter(l -> l.startsWith("rss "))
            .map(l -> Long.parseLong(l.substring(4).trim()))
            .toList();
    assertEquals(ROUNDS, rss.size(), output);
    long warm = rss.get(WARM_UP - 1);
    long max = rss.subList(WARM_UP, ROUNDS).stream().mapToLong(Long::longValue).max().orElseThrow();
    assertTrue(warm > 0, "no VmRSS in /proc/self/status");
    assertTrue(
        max - warm < 200 * MIB,
        "RSS grew by "
            + (max - warm) / MIB
            + " MiB after warm-up: "
            + rss.stream().map(r -> Long.toString(r / MIB)).toList()
            + " MiB");
  }

  /** The child process: runs the rounds and prints the resident set after each, in bytes. */
  public static void main(String[] args) {
    ImageDataset data = SyntheticImages.create(96, 1, 1, 28, 28, 10);
    try (DjlRuntime rt = DjlRuntime.create("cnn", 1, 28, 28, 10, 1, 1)) {
      LocalTrainer a = rt.trainer(data, data, 0);
      LocalTrainer b = rt.trainer(data, data, 1);
      Parameters global = rt.initialParameters();
      Config fedntd = Config.of("lr", 0.01, "momentum", 0.9, "objective", "fedntd");
      Config fedprox = Config.of("lr", 0.01, "proximal_mu", 0.1, "local_layers", "head\\..*");
      for (int round = 1; round <= ROUNDS; round++) {
        FitRes ra = a.fit(new FitIns(global, fedntd.with("round", round)));
        FitRes rb = b.fit(new FitIns(global, fedprox.with("round", round)));
        float[] next = new float[global.size()];
        for (int i = 0; i < next.length; i++) {
          next[i] = (ra.parameters().values()[i] + rb.parameters().values()[i]) / 2;
        }
        global = new Parameters(global.layout(), next);
        a.evaluate(new EvaluateIns(global, Config.empty()));
        rt.predict(global, data, 50);
        System.out.println("rss " + ProcessMemory.rssBytes());
      }
    }
  }
}
