package dev.fedge.cli;

import static dev.fedge.cli.FleetTestSshd.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fedge.cli.FleetTestSshd.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet status} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetStatusCommandTest {

  @TempDir static Path tmp;
  static FleetTestSshd sshd;
  static Path inventory;

  @BeforeAll
  static void start() throws Exception {
    sshd = FleetTestSshd.start(tmp.resolve("sshd"));
    inventory = sshd.inventory();
  }

  @AfterAll
  static void stop() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void notDeployedStoppedAndStalePidFile() throws Exception {
    Path remote = tmp.resolve("remote");
    String[] args = {"fleet", "status", "-i", inventory.toString(), "--known-hosts",
        sshd.knownHosts.toString(), "--remote-dir", remote.toString(), "--timeout", "5"};

    Result notDeployed = run(args);
    Files.createDirectories(remote);
    Files.writeString(remote.resolve("fedge.jar"), "jar");
    Result stopped = run(args);
    Files.writeString(remote.resolve("fedge.pid"), "999999999\n");
    Result stale = run(args);

    assertEquals(3, notDeployed.code(), "the dead host is unreachable");
    assertEquals("good | SUCCESS => {\"state\": \"not-deployed\"}",
        notDeployed.out().lines().findFirst().orElseThrow());
    assertEquals("good | SUCCESS => {\"state\": \"stopped\"}",
        stopped.out().lines().findFirst().orElseThrow());
    assertEquals("good | SUCCESS => {\"state\": \"stopped\"}",
        stale.out().lines().findFirst().orElseThrow());
  }
}
