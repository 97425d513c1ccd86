package dev.fedge.cli;

import static dev.fedge.cli.FleetTestSshd.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fedge.cli.FleetTestSshd.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet stop} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetStopCommandTest {

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
  void stopsAProcessByItsPidFile() throws Exception {
    Path remote = Files.createDirectories(tmp.resolve("remote"));
    Process sleeper = new ProcessBuilder("sleep", "120").start();
    Files.writeString(remote.resolve("fedge.pid"), sleeper.pid() + "\n");
    try {
      Result r = run("fleet", "stop", "-i", inventory.toString(), "-l", "good",
          "--known-hosts", sshd.knownHosts.toString(), "--remote-dir", remote.toString());

      assertEquals(0, r.code(), r.err());
      assertEquals("good | CHANGED => {\"state\": \"stopped\", \"pid\": " + sleeper.pid() + "}\n",
          r.out());
      sleeper.waitFor();
      assertEquals(143, sleeper.exitValue(), "ended by SIGTERM");
      assertFalse(Files.exists(remote.resolve("fedge.pid")));
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void stoppingWhatDoesNotRunChangesNothing() throws Exception {
    Path remote = Files.createDirectories(tmp.resolve("idle"));

    Result r = run("fleet", "stop", "-i", inventory.toString(), "-l", "good",
        "--known-hosts", sshd.knownHosts.toString(), "--remote-dir", remote.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("good | SUCCESS => {\"state\": \"stopped\", \"msg\": \"not running\"}\n",
        r.out());
  }
}
