package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code fedge fleet run} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetRunCommandTest {

  @RegisterExtension static final FleetSshd sshd = new FleetSshd();

  @Test
  void showsOutputWithReturnCode() {
    CliRun r = sshd.fleet("run", "-l", "good", "--", "uname", "-s", "&&", "echo", "$((6*7))");

    assertEquals(0, r.code(), r.err());
    assertEquals("good | CHANGED | rc=0 >>\nLinux\n42\n", r.out());
  }

  @Test
  void nonZeroExitIsAFailure() {
    CliRun r = sshd.fleet("run", "-l", "good", "--", "echo out; echo err >&2; exit 3");

    assertEquals(1, r.code());
    assertEquals("good | FAILED | rc=3 >>\nout\nerr\n", r.out());
    assertEquals("fedge: 1 of 1 host failed\n", r.err());
  }

  @Test
  void commandTimeoutFailsTheHost() {
    CliRun r = sshd.fleet("run", "-l", "good", "--command-timeout", "1", "--", "sleep 20");

    assertEquals(1, r.code());
    assertEquals("good | FAILED! => {\"msg\": \"command timed out after 1 s: sh -c 'sleep 20'\"}\n",
        r.out());
  }

  @Test
  void zeroTimeoutIsInvalidInput() {
    CliRun r = sshd.fleet("run", "--timeout", "0", "--", "true");

    assertEquals(2, r.code());
    assertEquals("fedge: --timeout must be at least 1, got 0\n", r.err());
  }
}
