package dev.fedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.state.EnrollTokenRecord;
import dev.fedge.server.state.ParticipantRecord;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.transport.FederationClient;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.Registration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-project device enrollment (issue 16) over real gRPC with a real SQLite state file: a device
 * that registers with a project's enroll token joins that project, and a project's run samples
 * only that project's devices.
 */
@Timeout(120)
class ProjectEnrollmentTest {

  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("w", new int[] {4}));

  @TempDir Path dir;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<ToyDevice> devices = new ArrayList<>();

  @AfterEach
  void stopDevices() throws InterruptedException {
    for (ToyDevice d : devices) {
      d.close();
    }
  }

  /** A device that registers with a token and returns the global model plus one. */
  private void startDevice(int port, String name, String token) {
    devices.add(ToyDevice.builder(port, name).enrollToken(token).start());
  }

  private static FederationServer.RunFactory factory() {
    return spec -> {
      float[] v = new float[LAYOUT.totalSize()];
      Arrays.fill(v, 0.5f);
      return new FederationServer.RunSetup(
          Strategies.create("fedavg", Map.of(), StrategySettings.defaults()),
          new Parameters(LAYOUT, v), (round, g) -> new EvaluateRes(1.0, 1, Map.of()), null);
    };
  }

  @Test
  void projectsRun_trainsOnlyOnItsDevices_andEachDeviceLandsInItsTokensProject()
      throws Exception {
    try (FederationServer server =
            FederationServer.start(FederationServer.Settings.local(dir, 0), factory(), log::add);
        ProjectStore projects = ProjectStore.open(server.state().db())) {
      projects.createProject("alpha", 0);
      projects.createProject("beta", 0);
      String alpha = projects.issueEnrollToken("alpha", "pis").secret();
      String beta = projects.issueEnrollToken("beta", "pis").secret();
      startDevice(server.port(), "a1", alpha);
      startDevice(server.port(), "b1", beta);
      assertTrue(server.registry().awaitAvailable(2, Duration.ofSeconds(60)), log::toString);
      Map<String, String> ids = new HashMap<>();
      server.state().devices().forEach(d -> ids.put(d.name(), d.id()));

      RunRecord done = server.run(new RunSpec("run-alpha", "alpha", "m", 2, 1, 1,
          Duration.ofSeconds(30), "float32", Map.of("strategy", "fedavg")), "alpha");

      assertEquals(RunRecord.FINISHED, done.status());
      for (int round = 1; round <= 2; round++) {
        assertEquals(List.of(ids.get("a1")), server.state().participants("run-alpha", round)
            .stream().map(ParticipantRecord::clientId).toList(), "round " + round);
      }
      assertEquals(Optional.of("alpha"), projects.deviceProject(ids.get("a1")));
      assertEquals(Optional.of("beta"), projects.deviceProject(ids.get("b1")));
      assertEquals(Optional.of("alpha"), projects.runProject("run-alpha"));
      assertTrue(log.stream().anyMatch(l -> l.contains("a1") && l.contains("into project 'alpha'")),
          log::toString);
    }
  }

  @Test
  void unknownAndRevokedEnrollTokens_areRefusedInOneLine_andNothingIsRegistered()
      throws Exception {
    try (FederationServer server =
            FederationServer.start(FederationServer.Settings.local(dir, 0), factory(), log::add);
        ProjectStore projects = ProjectStore.open(server.state().db());
        FederationClient c = FederationClient.connect("127.0.0.1:" + server.port(), null)) {
      projects.createProject("alpha", 0);
      EnrollTokenRecord.Issued gone = projects.issueEnrollToken("alpha", "old");
      projects.revokeEnrollToken("alpha", "old");

      FederationException unknown = assertThrows(FederationException.class,
          () -> c.register("fde_not-a-token", "x1", DeviceFacts.unknown()));
      FederationException revoked = assertThrows(FederationException.class,
          () -> c.register(gone.secret(), "x2", DeviceFacts.unknown()));

      assertEquals(FederationException.Code.UNAUTHENTICATED, unknown.code());
      assertTrue(unknown.getMessage().contains("unknown project enroll token"),
          unknown.getMessage());
      assertEquals(FederationException.Code.PERMISSION_DENIED, revoked.code());
      assertTrue(revoked.getMessage().contains("enroll token 'old' of project 'alpha' was revoked"),
          revoked.getMessage());
      assertEquals(List.of(), server.state().devices());
      Registration ok = c.register(projects.issueEnrollToken("alpha", "new").secret(), "x3",
          DeviceFacts.unknown());
      assertEquals(Optional.of("alpha"), projects.deviceProject(ok.clientId()));
    }
  }
}
