package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.config.hosts.KnownHostDigest;
import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsTest {

  static KeyPair ed;
  static KeyPair ed2;
  static KeyPair ec;

  @TempDir Path tmp;

  @BeforeAll
  static void keys() throws Exception {
    ed = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    ed2 = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    ec = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
  }

  @Test
  void unknownHostIsRefusedAndNothingIsWritten() {
    Path file = tmp.resolve("ssh/known_hosts");

    KnownHosts.Verdict v = new KnownHosts(file, false).check("edge.example.org", 39004,
        ed.getPublic());

    assertEquals(KnownHosts.Status.UNKNOWN, v.status());
    assertTrue(v.message().startsWith("host key of [edge.example.org]:39004 is not in known_hosts "
        + file + " (server offered ssh-ed25519 SHA256:"), v.message());
    assertFalse(Files.exists(file));
  }

  @Test
  void acceptedNewKeyIsRecordedInOpenSshFormatThenKnown() throws Exception {
    Path file = tmp.resolve("ssh/known_hosts");
    KnownHosts kh = new KnownHosts(file, true);

    KnownHosts.Verdict added = kh.check("edge.example.org", 39004, ed.getPublic());
    KnownHosts.Verdict addedDefaultPort = kh.check("w01.local", 22, ec.getPublic());
    KnownHosts.Verdict known = new KnownHosts(file, false).check("edge.example.org", 39004,
        ed.getPublic());

    assertEquals(KnownHosts.Status.ADDED, added.status());
    assertEquals(KnownHosts.Status.ADDED, addedDefaultPort.status());
    assertEquals(KnownHosts.Status.KNOWN, known.status());
    assertEquals(List.of(
        "[edge.example.org]:39004 " + PublicKeyEntry.toString(ed.getPublic()),
        "w01.local " + PublicKeyEntry.toString(ec.getPublic())), Files.readAllLines(file));
  }

  @Test
  void changedKeyIsRefusedEvenWhenNewKeysAreAccepted() throws Exception {
    Path file = Files.writeString(tmp.resolve("known_hosts"),
        "[edge.example.org]:39004 " + PublicKeyEntry.toString(ed.getPublic()) + "\n");

    KnownHosts.Verdict v = new KnownHosts(file, true).check("edge.example.org", 39004,
        ed2.getPublic());

    assertEquals(KnownHosts.Status.CHANGED, v.status());
    assertTrue(v.message().startsWith("HOST KEY CHANGED for [edge.example.org]:39004: server"
        + " offered ssh-ed25519 " + KeyUtils.getFingerPrint(ed2.getPublic()) + " but " + file
        + " line 1 has ssh-ed25519 " + KeyUtils.getFingerPrint(ed.getPublic())), v.message());
    assertEquals(1, Files.readAllLines(file).size(), "nothing appended");
  }

  @Test
  void keyOfAnotherTypeThanTheKnownOneIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("known_hosts"),
        "[edge.example.org]:39004 " + PublicKeyEntry.toString(ed.getPublic()) + "\n");
    KnownHosts kh = new KnownHosts(file, true);

    KnownHosts.Verdict v = kh.check("edge.example.org", 39004, ec.getPublic());

    assertEquals(KnownHosts.Status.CHANGED, v.status());
    assertEquals(Set.of("ssh-ed25519"), kh.knownKeyTypes("edge.example.org", 39004));
    assertEquals(Set.of(), kh.knownKeyTypes("edge.example.org", 39005), "other port");
  }

  @Test
  void hashedEntriesMatch() throws Exception {
    byte[] salt = new byte[20];
    new java.util.Random(1).nextBytes(salt);
    byte[] hash = KnownHostHashValue.calculateHashValue("rpi6404.local", 2222,
        KnownHostDigest.SHA1, salt);
    String line = "|1|" + Base64.getEncoder().encodeToString(salt) + "|"
        + Base64.getEncoder().encodeToString(hash) + " " + PublicKeyEntry.toString(ed.getPublic());
    Path file = Files.writeString(tmp.resolve("known_hosts"), "garbage line\n" + line + "\n");

    KnownHosts kh = new KnownHosts(file, false);

    assertEquals(KnownHosts.Status.KNOWN, kh.check("rpi6404.local", 2222, ed.getPublic()).status());
    assertEquals(KnownHosts.Status.UNKNOWN,
        kh.check("rpi6405.local", 2222, ed.getPublic()).status());
  }

  @Test
  void revokedKeyIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("known_hosts"),
        "@revoked * " + PublicKeyEntry.toString(ed.getPublic()) + "\n");

    KnownHosts.Verdict v = new KnownHosts(file, true).check("a", 22, ed.getPublic());

    assertEquals(KnownHosts.Status.REVOKED, v.status());
    assertTrue(v.message().contains("@revoked"), v.message());
  }

  @Test
  void appendingKeepsTheLastLineIntact() throws Exception {
    Path file = Files.writeString(tmp.resolve("known_hosts"), "# no newline at end",
        StandardCharsets.UTF_8);

    new KnownHosts(file, true).check("a", 22, ed.getPublic());

    assertEquals(List.of("# no newline at end", "a " + PublicKeyEntry.toString(ed.getPublic())),
        Files.readAllLines(file));
  }
}
