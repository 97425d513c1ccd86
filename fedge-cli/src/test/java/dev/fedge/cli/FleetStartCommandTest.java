package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.fleet.SleeperJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet start}, then status, logs and stop, against a real OpenSSH server. */
@Timeout(90)
class FleetStartCommandTest {

  @RegisterExtension static final FleetSshd sshd = new FleetSshd();
  @TempDir static Path tmp;

  /** Runs {@code fedge fleet COMMAND} against the server with {@code --remote-dir REMOTE}. */
  private static CliRun fleet(String command, Path remote, String... more) {
    return sshd.fleet(command, Stream.concat(Stream.of("--remote-dir", remote.toString()),
        Stream.of(more)).toArray(String[]::new));
  }

  @Test
  void startStatusLogsStop() throws Exception {
    Path jar = SleeperJars.sleeper(Files.createDirectories(tmp.resolve("build"))
        .resolve("fedge.jar"));
    Path remote = tmp.resolve("remote");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      CliRun deployed = fleet("deploy", remote, "-l", "good", "--jar", jar.toString());
      assertEquals(0, deployed.code(), deployed.err());

      CliRun started = fleet("start", remote, "-l", "good", "--java", java,
          "--server", "127.0.0.1:9999", "--dataset", "fashion-mnist", "--", "--rounds", "3");
      assertEquals(0, started.code(), started.err());
      Matcher m = Pattern.compile("good \\| CHANGED => \\{\"state\": \"running\", \"pid\": (\\d+)}\n")
          .matcher(started.out());
      assertTrue(m.matches(), started.out());
      String pid = m.group(1);
      assertEquals(pid, Files.readString(remote.resolve("fedge.pid")).strip());

      CliRun status = fleet("status", remote, "-l", "good");
      assertEquals(0, status.code(), status.err());
      assertEquals("good | SUCCESS => {\"state\": \"running\", \"pid\": " + pid + "}\n",
          status.out());

      CliRun again = fleet("start", remote, "-l", "good", "--java", java,
          "--server", "127.0.0.1:9999");
      assertEquals("good | SUCCESS => {\"state\": \"running\", \"pid\": " + pid
          + ", \"msg\": \"already running\"}\n", again.out());

      CliRun logs = fleet("logs", remote, "good", "-n", "5");
      assertEquals(0, logs.code(), logs.err());
      assertEquals("good | SUCCESS | rc=0 >>\nfake client client --server 127.0.0.1:9999"
          + " --dataset fashion-mnist --rounds 3\n", logs.out());

      CliRun stopped = fleet("stop", remote, "-l", "good");
      assertEquals(0, stopped.code(), stopped.err());
      assertEquals("good | CHANGED => {\"state\": \"stopped\", \"pid\": " + pid + "}\n",
          stopped.out());
      assertFalse(Files.exists(remote.resolve("fedge.pid")));

      CliRun after = fleet("status", remote, "-l", "good");
      assertEquals("good | SUCCESS => {\"state\": \"stopped\"}\n", after.out());
    } finally {
      SleeperJars.killFromPidFile(remote.resolve("fedge.pid"));
    }
  }

  @Test
  void startWithoutDeployFails() {
    Path remote = tmp.resolve("empty");

    CliRun r = fleet("start", remote, "-l", "good", "--server", "127.0.0.1:9999");

    assertEquals(1, r.code());
    assertEquals("good | FAILED! => {\"msg\": \"no fedge.jar in " + remote
        + "; run fedge fleet deploy first\"}\n", r.out());
  }

  @Test
  void serverMustBeHostColonPort() {
    CliRun r = fleet("start", tmp, "--server", "localhost");

    assertEquals(2, r.code());
    assertEquals("fedge: --server must be HOST:PORT, got 'localhost'\n", r.err());
  }
}
