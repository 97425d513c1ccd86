package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet logs} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetLogsCommandTest {

  @RegisterExtension static final FleetSshd sshd = new FleetSshd();
  @TempDir static Path tmp;

  @Test
  void showsTheLastLines() throws Exception {
    Path remote = Files.createDirectories(tmp.resolve("remote"));
    Files.writeString(remote.resolve("fedge.log"), IntStream.rangeClosed(1, 100)
        .mapToObj(i -> "round " + i).collect(Collectors.joining("\n", "", "\n")));

    CliRun r = sshd.fleet("logs", "good", "-n", "3", "--remote-dir", remote.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("good | SUCCESS | rc=0 >>\nround 98\nround 99\nround 100\n", r.out());
  }

  @Test
  void noLogIsAFailure() {
    Path remote = tmp.resolve("never-started");

    CliRun r = sshd.fleet("logs", "good", "--remote-dir", remote.toString());

    assertEquals(1, r.code());
    assertEquals("good | FAILED | rc=1 >>\nno log " + remote
        + "/fedge.log on this host (was the client started?)\n", r.out());
  }

  @Test
  void limitIsRefusedBecauseTheHostIsTheArgument() {
    CliRun r = sshd.fleet("logs", "good", "--limit", "edge");

    assertEquals(2, r.code());
    assertEquals("fedge: logs takes the hosts as its HOST argument, not --limit\n", r.err());
  }
}
