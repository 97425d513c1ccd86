package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet stop} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetStopCommandTest {

  @RegisterExtension static final FleetSshd sshd = new FleetSshd();
  @TempDir static Path tmp;

  @Test
  void stopsAProcessByItsPidFile() throws Exception {
    Path remote = Files.createDirectories(tmp.resolve("remote"));
    Process sleeper = new ProcessBuilder("sleep", "120").start();
    Files.writeString(remote.resolve("fedge.pid"), sleeper.pid() + "\n");
    try {
      CliRun r = sshd.fleet("stop", "-l", "good", "--remote-dir", remote.toString());

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

    CliRun r = sshd.fleet("stop", "-l", "good", "--remote-dir", remote.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("good | SUCCESS => {\"state\": \"stopped\", \"msg\": \"not running\"}\n",
        r.out());
  }
}
