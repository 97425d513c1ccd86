package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet status} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetStatusCommandTest {

  @RegisterExtension static final FleetSshd sshd = new FleetSshd();
  @TempDir static Path tmp;

  @Test
  void notDeployedStoppedAndStalePidFile() throws Exception {
    Path remote = tmp.resolve("remote");
    String[] args = {"--remote-dir", remote.toString(), "--timeout", "5"};

    CliRun notDeployed = sshd.fleet("status", args);
    Files.createDirectories(remote);
    Files.writeString(remote.resolve("fedge.jar"), "jar");
    CliRun stopped = sshd.fleet("status", args);
    Files.writeString(remote.resolve("fedge.pid"), "999999999\n");
    CliRun stale = sshd.fleet("status", args);

    assertEquals(3, notDeployed.code(), "the dead host is unreachable");
    assertEquals("good | SUCCESS => {\"state\": \"not-deployed\"}",
        notDeployed.out().lines().findFirst().orElseThrow());
    assertEquals("good | SUCCESS => {\"state\": \"stopped\"}",
        stopped.out().lines().findFirst().orElseThrow());
    assertEquals("good | SUCCESS => {\"state\": \"stopped\"}",
        stale.out().lines().findFirst().orElseThrow());
  }
}
