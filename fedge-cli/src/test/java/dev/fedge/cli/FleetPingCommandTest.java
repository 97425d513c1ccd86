package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.fleet.OpenSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet ping} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetPingCommandTest {

  @RegisterExtension static final FleetSshd sshd = new FleetSshd();
  @TempDir static Path tmp;

  @Test
  void pingsEveryHostAndFailsForTheDeadOne() {
    CliRun r = sshd.fleet("ping", "--timeout", "5");

    assertEquals(3, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    assertEquals("good | SUCCESS => {\"ping\": \"pong\"}", lines.get(0));
    assertTrue(lines.get(1).startsWith("dead | UNREACHABLE! => {\"msg\": \"connect to 127.0.0.1:"),
        lines.get(1));
    assertTrue(lines.get(1).endsWith("failed: Connection refused\", \"unreachable\": true}"),
        lines.get(1));
    assertEquals("fedge: 1 of 2 hosts unreachable\n", r.err());
  }

  @Test
  void limitPicksHostsByGroup() {
    CliRun r = sshd.fleet("ping", "--limit", "edge");

    assertEquals(0, r.code(), r.err());
    assertEquals("good | SUCCESS => {\"ping\": \"pong\"}\n", r.out());
  }

  @Test
  void unknownHostKeyIsRefusedUnlessAcceptedThenRecorded() throws Exception {
    Path kh = tmp.resolve("empty_known_hosts");

    String inventory = sshd.inventory().toString();

    CliRun refused = CliRun.of("fleet", "ping", "-i", inventory, "-l", "good",
        "--known-hosts", kh.toString());
    CliRun accepted = CliRun.of("fleet", "ping", "-i", inventory, "-l", "good",
        "--known-hosts", kh.toString(), "--accept-new-host-keys");
    CliRun known = CliRun.of("fleet", "ping", "-i", inventory, "-l", "good",
        "--known-hosts", kh.toString());

    assertEquals(3, refused.code());
    assertTrue(refused.out().startsWith("good | UNREACHABLE! => {\"msg\": \"host key of [127.0.0.1]:"
        + sshd.port() + " is not in known_hosts " + kh), refused.out());
    assertEquals(0, accepted.code(), accepted.err());
    assertTrue(accepted.err().startsWith("good: added [127.0.0.1]:" + sshd.port()
        + " ssh-ed25519 SHA256:"), accepted.err());
    assertEquals(List.of(sshd.knownHostsLine()), Files.readAllLines(kh));
    assertEquals(0, known.code(), known.err());
    assertEquals("", known.err());
  }

  @Test
  void changedHostKeyIsRefused() throws Exception {
    Path other = tmp.resolve("other_host_key");
    OpenSshd.keygen("ed25519", other);
    Path kh = Files.writeString(tmp.resolve("changed_known_hosts"),
        sshd.knownHostsLine(Path.of(other + ".pub")) + "\n");

    CliRun r = CliRun.of("fleet", "ping", "-i", sshd.inventory().toString(), "-l", "good",
        "--known-hosts", kh.toString(), "--accept-new-host-keys");

    assertEquals(3, r.code());
    assertTrue(r.out().startsWith("good | UNREACHABLE! => {\"msg\": \"HOST KEY CHANGED for"
        + " [127.0.0.1]:" + sshd.port() + ": server offered ssh-ed25519 SHA256:"), r.out());
  }

  @Test
  void wrongKeyIsPermissionDenied() throws Exception {
    Path wrong = tmp.resolve("wrong_key");
    OpenSshd.keygen("ed25519", wrong);
    Path inv = Files.writeString(tmp.resolve("nokey.ini"),
        "[edge]\ngood ansible_host=127.0.0.1 ansible_port=" + sshd.port() + "\n");

    CliRun r = CliRun.of("fleet", "ping", "-i", inv.toString(), "--known-hosts",
        sshd.knownHosts().toString(), "--private-key", wrong.toString());

    assertEquals(3, r.code());
    assertTrue(r.out().startsWith("good | UNREACHABLE! => {\"msg\": \"Permission denied (publickey)"
        + " for " + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port() + " with key "
        + wrong), r.out());
  }

  @Test
  void badInventoryLineIsInvalidInputNamingTheLine() throws Exception {
    Path inv = Files.writeString(tmp.resolve("bad.ini"), "[rpi]\n  rpi6404 ansible_port=22\n"
        + "  rpi6405 dtap\n");

    CliRun r = CliRun.of("fleet", "ping", "-i", inv.toString());

    assertEquals(2, r.code());
    assertEquals("fedge: " + inv + ":3: expected key=value after host 'rpi6405', got 'dtap' in:"
        + " rpi6405 dtap\n", r.err());
  }

  @Test
  void unknownLimitAndMissingInventoryAreInvalidInput() {
    CliRun limit = sshd.fleet("ping", "--limit", "nosuch");
    CliRun missing = CliRun.of("fleet", "ping", "-i", tmp.resolve("none.ini").toString());

    assertEquals(2, limit.code());
    assertEquals("fedge: --limit 'nosuch': 'nosuch' matches no host or group in " + sshd.inventory()
        + "\n", limit.err());
    assertEquals(2, missing.code());
    assertEquals("fedge: inventory file not found: " + tmp.resolve("none.ini") + "\n",
        missing.err());
  }
}
