package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServerCommandTest {

  @TempDir Path dir;

  private CliRun server(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "server";
    all[1] = "--state-dir";
    all[2] = dir.resolve("state").toString();
    all[3] = "--port";
    all[4] = "0";
    System.arraycopy(args, 0, all, 5, args.length);
    return CliRun.of(all);
  }

  @Test
  void unknownStrategy_isInvalidInput_inOneLine() {
    CliRun r = server("--strategy", "fedfoo");

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains("unknown strategy 'fedfoo'"), r.err());
  }

  @Test
  void krum_isCheckedAgainstTheRunsMinClients() {
    ServerCommand enough = new ServerCommand();
    new CommandLine(enough)
        .parseArgs("--strategy", "krum", "--strategy-opt", "f=1", "--min-clients", "5");
    assertEquals("1", enough.requestedSpec().settings().get("strategy.f"));

    CliRun few = server("--strategy", "krum", "--strategy-opt", "f=1", "--min-clients", "4");
    assertEquals(ExitException.INVALID_INPUT, few.code());
    assertEquals(
        "fedge: krum: option 'f' = 1 needs more than 2f + 2 = 4 clients per round, but min"
            + " clients is 4",
        few.err().strip());
  }

  @Test
  void badDuration_namesOptionAndValue() {
    CliRun r = server("--round-timeout", "soon");

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertTrue(r.err().contains("--round-timeout"), r.err());
    assertTrue(r.err().contains("got 'soon'"), r.err());
  }

  @Test
  void moreResultsThanClients_isInvalidInput() {
    CliRun r = server("--min-clients", "2", "--min-results", "3");

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals("fedge: min-results (3) must not be more than min-clients (2)", r.err().strip());
  }

  @Test
  void unknownCodecOrModel_isInvalidInput() {
    CliRun codec = server("--codec", "bf16");
    CliRun model = server("--model", "vgg");

    assertEquals(ExitException.INVALID_INPUT, codec.code());
    assertTrue(codec.err().contains("codec: unknown name 'bf16'"), codec.err());
    assertEquals(ExitException.INVALID_INPUT, model.code());
    assertTrue(model.err().contains("model: unknown model 'vgg'"), model.err());
  }

  @Test
  void tlsCertWithoutKey_orMissingFiles_isInvalidInput() {
    CliRun half = server("--tls-cert", dir.resolve("a.crt").toString());
    CliRun missing = server("--tls-cert", dir.resolve("a.crt").toString(),
        "--tls-key", dir.resolve("a.key").toString());

    assertEquals(ExitException.INVALID_INPUT, half.code());
    assertTrue(half.err().contains("TLS needs both a certificate and a key"), half.err());
    assertEquals(ExitException.INVALID_INPUT, missing.code());
    assertTrue(missing.err().contains("TLS file not found or not readable: "
        + dir.resolve("a.crt")), missing.err());
  }

  @Test
  void portInUse_isAFailureNamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRun r = CliRun.of("server", "--state-dir", dir.resolve("s").toString(),
          "--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()));

      assertEquals(ExitException.FAILURE, r.code(), r.err());
      assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r.err());
    }
  }

  @Test
  void stateDirThatIsAFile_isAFailure() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");

    CliRun r = CliRun.of("server", "--state-dir", file.toString(), "--port", "0");

    assertEquals(ExitException.FAILURE, r.code(), r.err());
    assertEquals(1, r.errLines(), r.err());
  }

  @Test
  void requestedSpec_defaultsNameProjectAndSettings() {
    ServerCommand cmd = new ServerCommand();
    new CommandLine(cmd).parseArgs("--rounds", "4", "--strategy", "fedprox",
        "--strategy-opt", "mu=0.1", "--codec", "int8", "--round-timeout", "2m");

    RunSpec spec = cmd.requestedSpec();

    assertEquals("fashion-mnist-fedprox", spec.id());
    assertEquals("default", spec.group());
    assertEquals("fashion-mnist-fedprox", spec.project());
    assertEquals(4, spec.rounds());
    assertEquals("int8", spec.codec());
    assertEquals(Duration.ofMinutes(2), spec.roundTimeout());
    assertEquals("0.1", spec.settings().get("strategy.mu"));
    assertEquals("cnn", spec.settings().get("model"));
  }

  @Test
  void durations_parseCommonForms() {
    assertEquals(Duration.ofMillis(500), ServerCommand.DurationConverter.parse("500ms"));
    assertEquals(Duration.ofSeconds(120), ServerCommand.DurationConverter.parse("120s"));
    assertEquals(Duration.ofMillis(1500), ServerCommand.DurationConverter.parse("1.5s"));
    assertEquals(Duration.ofMinutes(5), ServerCommand.DurationConverter.parse("5m"));
    assertEquals(Duration.ofHours(1), ServerCommand.DurationConverter.parse("1h"));
    assertEquals(Duration.ofMinutes(2), ServerCommand.DurationConverter.parse("PT2M"));
    assertThrows(IllegalArgumentException.class, () -> ServerCommand.DurationConverter.parse("0s"));
    assertThrows(IllegalArgumentException.class, () -> ServerCommand.DurationConverter.parse("-1s"));
  }

  @Test
  void shortApiToken_isRefusedBeforeTheServerListensOrCreatesItsState() {
    CliRun r = server("--api-token", "short", "--http-port", "0");

    assertEquals(ExitException.INVALID_INPUT, r.code(), r.err());
    assertEquals("fedge: api-token must be at least 16 printable characters without spaces, got 5"
        + " characters", r.err().strip());
    assertFalse(r.out().contains("listening"), r.out());
    assertFalse(Files.exists(dir.resolve("state").resolve("fedge.db")));
  }

  @Test
  void unknownStateDb_isInvalidInput_inOneLine_beforeAnythingIsCreated() {
    CliRun r = server("--state-db", "mysql://db.lab/fedge", "--no-http");

    assertEquals(ExitException.INVALID_INPUT, r.code(), r.err());
    assertEquals("fedge: --state-db mysql://db.lab/fedge: unknown database (use"
        + " postgresql://user@host:port/database or a SQLite file path)", r.err().strip());
    assertFalse(Files.exists(dir.resolve("state")));
  }

  @Test
  void unreachablePostgres_isAFailureInOneLine_namingIt() {
    CliRun r = server("--state-db", "postgresql://fedge:secret@127.0.0.1:1/fedge", "--no-http");

    assertEquals(ExitException.FAILURE, r.code(), r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().startsWith("fedge: cannot reach state database"
        + " postgresql://fedge@127.0.0.1:1/fedge: "), r.err());
    assertFalse(r.err().contains("secret"), "the password is never printed: " + r.err());
  }

  /** Stores the run that {@code args} describe as finished, as an earlier server would have. */
  private void finishedEarlier(String... args) {
    ServerCommand cmd = new ServerCommand();
    new CommandLine(cmd).parseArgs(args);
    RunSpec spec = cmd.requestedSpec();
    try (StateStore state = StateStore.open(dir.resolve("state").resolve("fedge.db"))) {
      state.createRun(spec);
      state.setStatus(spec.id(), RunRecord.FINISHED);
    }
  }

  @Test
  void theSameCommandAgain_afterItsRunFinished_saysSoAndExits0() {
    String[] args = {"--run", "nightly", "--rounds", "2", "--exit-when-done", "--http-port", "0"};
    finishedEarlier(args);

    CliRun again = server(args);

    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("run 'nightly' is complete (0 of 2 rounds): nothing to run"),
        again.out());
    assertEquals("", again.err());
  }

  @Test
  void aFinishedRunsNameWithOtherSettings_isInvalidInput_inOneLine() {
    finishedEarlier("--run", "nightly", "--rounds", "2");

    CliRun other = server("--run", "nightly", "--rounds", "3", "--exit-when-done", "--no-http");

    assertEquals(ExitException.INVALID_INPUT, other.code(), other.err());
    assertEquals(1, other.errLines(), other.err());
    assertTrue(other.err().startsWith("fedge: run 'nightly' already finished with other settings"),
        other.err());
  }

  @Test
  void emptyStateFileBesideModels_isAFailureInOneLine_andNothingIsDeleted() throws Exception {
    Path state = dir.resolve("state");
    Path round = Files.createDirectories(state.resolve("models/default/old/1"));
    Files.writeString(round.resolve("model.safetensors"), "x");
    Files.writeString(round.resolve("manifest.json"), "{}");
    Path csv = Files.createDirectories(state.resolve("runs/old")).resolve("metrics.csv");
    Files.writeString(csv, "round,accuracy\n1,0.5\n");
    Files.write(state.resolve("fedge.db"), new byte[0]);

    CliRun r = server("--no-http", "--exit-when-done");

    assertEquals(ExitException.FAILURE, r.code(), r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().startsWith("fedge: state file " + state.resolve("fedge.db")
        + " is empty (0 bytes), but "), r.err());
    assertEquals(0, Files.size(state.resolve("fedge.db")));
    assertEquals("round,accuracy\n1,0.5\n", Files.readString(csv));
  }
}
