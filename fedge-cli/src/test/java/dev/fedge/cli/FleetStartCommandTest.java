package dev.fedge.cli;

import static dev.fedge.cli.FleetTestSshd.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.cli.FleetTestSshd.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet start}, then status, logs and stop, against a real OpenSSH server. */
@Timeout(90)
class FleetStartCommandTest {

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

  private static String[] fleet(String command, Path remote, String... more) {
    String[] base = {"fleet", command, "-i", inventory.toString(),
        "--known-hosts", sshd.knownHosts.toString(), "--remote-dir", remote.toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void startStatusLogsStop() throws Exception {
    Path jar = FleetTestSshd.sleeperJar(Files.createDirectories(tmp.resolve("build"))
        .resolve("fedge.jar"));
    Path remote = tmp.resolve("remote");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      Result deployed = run(fleet("deploy", remote, "-l", "good", "--jar", jar.toString()));
      assertEquals(0, deployed.code(), deployed.err());

      Result started = run(fleet("start", remote, "-l", "good", "--java", java,
          "--server", "127.0.0.1:9999", "--dataset", "fashion-mnist", "--", "--rounds", "3"));
      assertEquals(0, started.code(), started.err());
      Matcher m = Pattern.compile("good \\| CHANGED => \\{\"state\": \"running\", \"pid\": (\\d+)}\n")
          .matcher(started.out());
      assertTrue(m.matches(), started.out());
      String pid = m.group(1);
      assertEquals(pid, Files.readString(remote.resolve("fedge.pid")).strip());

      Result status = run(fleet("status", remote, "-l", "good"));
      assertEquals(0, status.code(), status.err());
      assertEquals("good | SUCCESS => {\"state\": \"running\", \"pid\": " + pid + "}\n",
          status.out());

      Result again = run(fleet("start", remote, "-l", "good", "--java", java,
          "--server", "127.0.0.1:9999"));
      assertEquals("good | SUCCESS => {\"state\": \"running\", \"pid\": " + pid
          + ", \"msg\": \"already running\"}\n", again.out());

      Result logs = run(fleet("logs", remote, "good", "-n", "5"));
      assertEquals(0, logs.code(), logs.err());
      assertEquals("good | SUCCESS | rc=0 >>\nfake client client --server 127.0.0.1:9999"
          + " --dataset fashion-mnist --rounds 3\n", logs.out());

      Result stopped = run(fleet("stop", remote, "-l", "good"));
      assertEquals(0, stopped.code(), stopped.err());
      assertEquals("good | CHANGED => {\"state\": \"stopped\", \"pid\": " + pid + "}\n",
          stopped.out());
      assertFalse(Files.exists(remote.resolve("fedge.pid")));

      Result after = run(fleet("status", remote, "-l", "good"));
      assertEquals("good | SUCCESS => {\"state\": \"stopped\"}\n", after.out());
    } finally {
      FleetTestSshd.killFromPidFile(remote.resolve("fedge.pid"));
    }
  }

  @Test
  void startWithoutDeployFails() {
    Path remote = tmp.resolve("empty");

    Result r = run(fleet("start", remote, "-l", "good", "--server", "127.0.0.1:9999"));

    assertEquals(1, r.code());
    assertEquals("good | FAILED! => {\"msg\": \"no fedge.jar in " + remote
        + "; run fedge fleet deploy first\"}\n", r.out());
  }

  @Test
  void serverMustBeHostColonPort() {
    Result r = run(fleet("start", tmp, "--server", "localhost"));

    assertEquals(2, r.code());
    assertEquals("fedge: --server must be HOST:PORT, got 'localhost'\n", r.err());
  }
}
