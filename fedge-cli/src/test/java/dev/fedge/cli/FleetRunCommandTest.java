package dev.fedge.cli;

import static dev.fedge.cli.FleetTestSshd.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fedge.cli.FleetTestSshd.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet run} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetRunCommandTest {

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
  void showsOutputWithReturnCode() {
    Result r = run("fleet", "run", "-i", inventory.toString(), "-l", "good",
        "--known-hosts", sshd.knownHosts.toString(), "--", "uname", "-s", "&&", "echo", "$((6*7))");

    assertEquals(0, r.code(), r.err());
    assertEquals("good | CHANGED | rc=0 >>\nLinux\n42\n", r.out());
  }

  @Test
  void nonZeroExitIsAFailure() {
    Result r = run("fleet", "run", "-i", inventory.toString(), "-l", "good",
        "--known-hosts", sshd.knownHosts.toString(), "--", "echo out; echo err >&2; exit 3");

    assertEquals(1, r.code());
    assertEquals("good | FAILED | rc=3 >>\nout\nerr\n", r.out());
    assertEquals("fedge: 1 of 1 host failed\n", r.err());
  }

  @Test
  void commandTimeoutFailsTheHost() {
    Result r = run("fleet", "run", "-i", inventory.toString(), "-l", "good",
        "--known-hosts", sshd.knownHosts.toString(), "--command-timeout", "1", "--",
        "sleep 20");

    assertEquals(1, r.code());
    assertEquals("good | FAILED! => {\"msg\": \"command timed out after 1 s: sh -c 'sleep 20'\"}\n",
        r.out());
  }

  @Test
  void zeroTimeoutIsInvalidInput() {
    Result r = run("fleet", "run", "-i", inventory.toString(), "--timeout", "0", "--", "true");

    assertEquals(2, r.code());
    assertEquals("fedge: --timeout must be at least 1, got 0\n", r.err());
  }
}
