package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.state.DeviceRecord;
import dev.fedge.server.state.ParticipantRecord;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.MetricsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real aarch64 client without ARM hardware: {@code dev/aarch64-client} runs {@code fedge client}
 * on Debian's arm64 JVM under user-mode QEMU (DJL then loads PyTorch's linux-aarch64 native by
 * itself), beside two x86-64 clients and an x86-64 server, for two rounds. The emulated client
 * trains on the same part of the data as one of the x86 clients, from the same global model and
 * seed, so their first-round training losses must agree: the same training on two instruction
 * sets. Emulation is slow (a few images a second), so the parts are small (150 images) and the
 * round deadline generous. Skipped, saying so, where the sysroot cannot be provisioned (no
 * qemu-user-static and no apt); {@code .ci/run} provisions it.
 */
@Timeout(900)
class Aarch64ClientProcessTest {

  private static final Path SCRIPT = Path.of("..", "dev", "aarch64-client").toAbsolutePath();
  private static final Pattern TRAINED =
      Pattern.compile("round (\\d+): trained on (\\d+) images, loss ([0-9.]+)");

  @TempDir Path dir;
  private final List<FedgeProcess> processes = new ArrayList<>();

  @AfterEach
  void killAll() throws InterruptedException {
    for (FedgeProcess p : processes) {
      p.close();
    }
  }

  private static void assumeProvisioned() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(SCRIPT), "no " + SCRIPT);
    Process p = new ProcessBuilder(SCRIPT.toString(), "--provision").redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    Assumptions.assumeTrue(p.waitFor() == 0,
        "the aarch64 sysroot cannot be provisioned here (dev/aarch64-client --provision): " + out);
  }

  private FedgeProcess client(String name, int port, int index, boolean emulated)
      throws IOException {
    String[] args = {"client", "--server", "127.0.0.1:" + port, "--partition", "iid",
        "--client-index", Integer.toString(index), "--of", "20", "--train-limit", "3000",
        "--test-limit", "50", "--threads", "1", "--name", name, "--backoff-max", "1s"};
    FedgeProcess p;
    if (emulated) {
      List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
      cmd.addAll(List.of(args));
      ProcessBuilder b = new ProcessBuilder(cmd);
      Map<String, String> env = b.environment();
      env.put("FEDGE_CLASSPATH", System.getProperty("java.class.path"));
      env.put("FEDGE_JAVA_OPTS", "-Xmx768m -XX:+UseSerialGC");
      p = FedgeProcess.start(name, dir, b);
    } else {
      p = FedgeProcess.start(name, dir, args);
    }
    processes.add(p);
    return p;
  }

  private static double firstRoundLoss(FedgeProcess client) {
    for (String line : client.lines()) {
      Matcher m = TRAINED.matcher(line);
      if (m.find() && m.group(1).equals("1")) {
        return Double.parseDouble(m.group(3));
      }
    }
    throw new AssertionError("no round-1 training line:\n" + client.tail());
  }

  @Test
  void emulatedAarch64Client_takesPartInTwoRounds_andTrainsLikeX86() throws Exception {
    assumeProvisioned();
    int port = FederationProcessTest.freePort();
    FedgeProcess server = FedgeProcess.start("server", dir, "server", "--port",
        Integer.toString(port), "--bind", "127.0.0.1", "--state-dir", dir.resolve("state")
            .toString(), "--no-http", "--min-clients", "3", "--min-results", "3", "--rounds", "2",
        "--run", "arm", "--test-limit", "200", "--threads", "1", "--heartbeat-interval", "2s",
        "--heartbeat-timeout", "60s", "--round-timeout", "400s", "--exit-when-done");
    processes.add(server);
    FedgeProcess arm = client("arm64-pi", port, 2, true);
    FedgeProcess x86 = client("x86-twin", port, 2, false);
    client("x86-other", port, 5, false);

    assertEquals(0, server.awaitExit(Duration.ofSeconds(840)), server::tail);

    List<MetricsCsv.Row> rows =
        new MetricsCsv(dir.resolve("state/runs/arm/metrics.csv")).read();
    assertEquals(List.of(1, 2), rows.stream().map(MetricsCsv.Row::round).toList());
    try (StateStore state = StateStore.open(dir.resolve("state/fedge.db"))) {
      DeviceRecord device = state.devices().stream().filter(d -> d.name().equals("arm64-pi"))
          .findFirst().orElseThrow(() -> new AssertionError("no arm64-pi device"));
      assertEquals("aarch64", device.facts().arch());
      for (int round = 1; round <= 2; round++) {
        assertTrue(state.participants("arm", round).stream()
                .anyMatch(p -> p.clientId().equals(device.id())
                    && p.outcome().equals(ParticipantRecord.OK) && p.numExamples() == 150),
            "round " + round + ": " + state.participants("arm", round));
      }
    }
    double armLoss = firstRoundLoss(arm);
    double x86Loss = firstRoundLoss(x86);
    System.out.printf("first-round training loss: aarch64 %.4f, x86-64 %.4f, difference %.4f%n",
        armLoss, x86Loss, Math.abs(armLoss - x86Loss));
    assertEquals(x86Loss, armLoss, 2e-3, "same data, model and seed on two instruction sets");
  }
}
