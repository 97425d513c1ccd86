package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code fedge client} processes with the same {@code --name} and the shared enrollment token,
 * against a {@code fedge server} process: the second cannot take the name while the first runs,
 * and gets it once the first is gone.
 */
@Timeout(240)
class NameTakeoverProcessTest {

  static final Duration START = Duration.ofSeconds(90);

  @TempDir Path dir;
  private final List<FedgeProcess> processes = new ArrayList<>();

  @AfterEach
  void killAll() throws InterruptedException {
    for (FedgeProcess p : processes) {
      p.close();
    }
  }

  private FedgeProcess start(String name, String... args) throws IOException {
    FedgeProcess p = FedgeProcess.start(name, dir, args);
    processes.add(p);
    return p;
  }

  private FedgeProcess client(String logName, int port, int index) throws IOException {
    return start(logName, "client", "--server", "127.0.0.1:" + port, "--enroll-token", "s3cret",
        "--name", "pi-garden", "--partition", "iid", "--client-index", Integer.toString(index),
        "--of", "10", "--train-limit", "300", "--test-limit", "50", "--threads", "1",
        "--data-dir", dir.resolve("data").toString(), "--backoff-max", "1s");
  }

  @Test
  void sameNameWithTheSharedToken_isRefusedWhileTheDeviceRuns_andTakenOverOnceItIsGone()
      throws Exception {
    int port = FederationProcessTest.freePort();
    Path state = dir.resolve("state");
    // two clients are needed for a round, so no round starts: this is about registration only
    FedgeProcess server = start("server", "server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--http-port", "0", "--state-dir", state.toString(),
        "--data-dir", dir.resolve("data").toString(), "--min-clients", "2", "--rounds", "1",
        "--run", "names", "--test-limit", "50", "--threads", "1", "--enroll-token", "s3cret",
        "--heartbeat-interval", "500ms", "--heartbeat-timeout", "3s");
    server.awaitLine("listening on 127.0.0.1:" + port, START);
    FedgeProcess first = client("first", port, 0);
    first.awaitLine("registered with 127.0.0.1:" + port + " as c1 \\(pi-garden\\)", START);

    FedgeProcess second = client("second", port, 1);
    String refused = second.awaitLine("refused the name 'pi-garden'", START);
    server.awaitLine("Register refused \\(ALREADY_EXISTS\\)", Duration.ofSeconds(10));
    boolean secondWaited = !second.hasLine("registered with");
    first.kill9();
    second.awaitLine("registered with 127.0.0.1:" + port + " as c1 \\(pi-garden\\)", START);
    server.awaitLine("took over the name of offline device c1", Duration.ofSeconds(10));
    server.close();

    assertTrue(refused.contains("device 'pi-garden' (c1) is connected, last heard from"),
        refused);
    assertTrue(refused.contains("stop that client or choose another --name"), refused);
    assertTrue(secondWaited, second::tail);
    try (StateStore s = StateStore.open(state.resolve("fedge.db"))) {
      assertEquals(1, s.devices().size());
      assertTrue(s.events(EventRecord.REJECTED).stream().anyMatch(e -> e.message().startsWith(
          "Register refused (ALREADY_EXISTS): device 'pi-garden' (c1) is connected")),
          () -> s.events(EventRecord.REJECTED).toString());
      List<EventRecord> registered = s.events(EventRecord.REGISTERED);
      assertEquals(2, registered.size(), registered::toString);
      assertTrue(registered.get(1).message().contains("took over the name of offline device c1"),
          registered.get(1)::message);
    }
  }
}
