package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet deploy} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetDeployCommandTest {

  @RegisterExtension static final FleetSshd sshd = new FleetSshd();
  @TempDir static Path tmp;

  @Test
  void secondDeployCopiesNothing() throws Exception {
    Path build = Files.createDirectories(tmp.resolve("build"));
    Path jar = Files.write(build.resolve("fedge.jar"), new byte[] {1, 2, 3});
    Path lib = Files.createDirectories(build.resolve("lib"));
    Files.writeString(lib.resolve("picocli.jar"), "fake picocli");
    Files.writeString(lib.resolve("djl.jar"), "fake djl");
    Path config = Files.writeString(tmp.resolve("client.yaml"), "rounds: 2\n");
    Path remote = tmp.resolve("remote");
    String[] args = {"-l", "good", "--jar", jar.toString(), "--config", config.toString(),
        "--remote-dir", remote.toString()};

    CliRun first = sshd.fleet("deploy", args);
    CliRun second = sshd.fleet("deploy", args);
    Files.writeString(config, "rounds: 5\n");
    CliRun third = sshd.fleet("deploy", args);

    assertEquals(0, first.code(), first.err());
    assertEquals("good | CHANGED => 4 files copied, 0 unchanged, 0 removed,"
        + " 33 B sent (33 bytes)\n", first.out());
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(remote.resolve("fedge.jar")));
    assertEquals("fake djl", Files.readString(remote.resolve("lib/djl.jar")));
    assertEquals(0, second.code(), second.err());
    assertEquals("good | OK => 0 files copied, 4 unchanged, 0 removed,"
        + " 0 B sent (0 bytes)\n", second.out());
    assertEquals("good | CHANGED => 1 file copied, 3 unchanged, 0 removed,"
        + " 10 B sent (10 bytes)\n", third.out());
    assertEquals("rounds: 5\n", Files.readString(remote.resolve("client.yaml")));
  }

  @Test
  void anX86HostGetsOnlyTheLinuxX8664NativeAndTheBytesSentArePrinted() throws Exception {
    String machine = new String(new ProcessBuilder("uname", "-m").start().getInputStream()
        .readAllBytes()).strip();
    org.junit.jupiter.api.Assumptions.assumeTrue(machine.equals("x86_64"), "not x86_64");
    Path build = Files.createDirectories(tmp.resolve("natives"));
    Path jar = Files.write(build.resolve("fedge.jar"), new byte[100]);
    Path lib = Files.createDirectories(build.resolve("lib"));
    Files.write(lib.resolve("picocli.jar"), new byte[1000]);
    for (String p : new String[] {"linux-x86_64", "linux-aarch64", "osx-aarch64"}) {
      Path dir = Files.createDirectories(lib.resolve("native").resolve(p));
      Files.write(dir.resolve("pytorch-native-cpu-" + p + ".jar"), new byte[50_000]);
    }
    Path remote = tmp.resolve("remote-natives");

    CliRun r = sshd.fleet("deploy", "-l", "good", "--jar", jar.toString(), "--remote-dir",
        remote.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("good | CHANGED => 3 files copied, 0 unchanged, 0 removed,"
        + " 49.9 KiB sent (51100 bytes), native linux-x86_64\n", r.out());
    assertTrue(Files.isRegularFile(
        remote.resolve("lib/native/linux-x86_64/pytorch-native-cpu-linux-x86_64.jar")));
    assertFalse(Files.exists(remote.resolve("lib/native/linux-aarch64")));
    assertFalse(Files.exists(remote.resolve("lib/native/osx-aarch64")));
  }

  @Test
  void staleJarsOfTheRemoteLibAreRemovedAndNothingElse() throws Exception {
    Path jar = build("upgraded", "guava-32.jar");
    Path remote = tmp.resolve("remote-upgraded");
    Path remoteLib = Files.createDirectories(remote.resolve("lib"));
    Path stale = Files.writeString(remoteLib.resolve("guava-31.jar"), "old guava");
    Path notAJar = Files.writeString(remoteLib.resolve("NOTICE.txt"), "notice");
    Path outsideLib = Files.writeString(remote.resolve("plugin.jar"), "outside lib/");
    String[] args = {"-l", "good", "--jar", jar.toString(), "--remote-dir", remote.toString()};

    CliRun first = sshd.fleet("deploy", args);
    CliRun second = sshd.fleet("deploy", args);

    assertEquals(0, first.code(), first.err());
    assertEquals("good | CHANGED => 2 files copied, 0 unchanged, 1 removed,"
        + " 26 B sent (26 bytes)\n", first.out());
    assertFalse(Files.exists(stale), "the old guava is gone");
    assertEquals("guava-32.jar", Files.readString(remoteLib.resolve("guava-32.jar")));
    assertEquals("notice", Files.readString(notAJar));
    assertEquals("outside lib/", Files.readString(outsideLib));
    assertEquals("good | OK => 0 files copied, 2 unchanged, 0 removed,"
        + " 0 B sent (0 bytes)\n", second.out());
  }

  @Test
  void noPruneKeepsTheStaleJarUntilTheNextDeploy() throws Exception {
    Path jar = build("kept", "new.jar");
    Path remote = tmp.resolve("remote-kept");
    Path stale = Files.writeString(
        Files.createDirectories(remote.resolve("lib")).resolve("old.jar"), "old");
    String[] args = {"-l", "good", "--jar", jar.toString(), "--remote-dir", remote.toString()};

    CliRun kept = sshd.fleet("deploy", concat(args, "--no-prune"));
    boolean keptThen = Files.exists(stale);
    CliRun pruned = sshd.fleet("deploy", args);

    assertEquals(0, kept.code(), kept.err());
    assertEquals("good | CHANGED => 2 files copied, 0 unchanged,"
        + " 17 B sent (17 bytes)\n", kept.out());
    assertTrue(keptThen, "--no-prune keeps lib/old.jar");
    assertEquals("good | CHANGED => 0 files copied, 2 unchanged, 1 removed,"
        + " 0 B sent (0 bytes)\n", pruned.out());
    assertFalse(Files.exists(stale));
  }

  @Test
  void aFailedUploadFailsThatHostNamingTheFileAndKeepsItsOldSet() throws Exception {
    Path jar = build("failing", "a.jar");
    Path remote = tmp.resolve("remote-failing");
    Path remoteLib = Files.createDirectories(remote.resolve("lib"));
    // a non-empty folder where lib/a.jar must go: renaming the upload over it fails
    Files.writeString(Files.createDirectories(remoteLib.resolve("a.jar")).resolve("x"), "x");
    Path stale = Files.writeString(remoteLib.resolve("old.jar"), "old");

    CliRun r = sshd.fleet("deploy", "-l", "good", "--jar", jar.toString(),
        "--remote-dir", remote.toString());

    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.out().lines().count(), r.out());
    String upload = "upload of " + jar.resolveSibling("lib").resolve("a.jar") + " to "
        + remoteLib.resolve("a.jar") + " failed: ";
    assertTrue(r.out().startsWith("good | FAILED! => {\"msg\": \"" + upload), r.out());
    assertEquals("fedge: 1 of 1 host failed\n", r.err());
    assertEquals("old", Files.readString(stale), "nothing pruned after a failed upload");
  }

  @Test
  void anUnreachableHostDoesNotStopTheOthers() throws Exception {
    Path jar = build("two-hosts", "b.jar");
    Path remote = tmp.resolve("remote-two-hosts");
    Path stale = Files.writeString(
        Files.createDirectories(remote.resolve("lib")).resolve("a.jar"), "old");

    CliRun r = sshd.fleet("deploy", "-l", "good,dead", "--timeout", "5", "--jar", jar.toString(),
        "--remote-dir", remote.toString());

    assertEquals(3, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    assertEquals("good | CHANGED => 2 files copied, 0 unchanged, 1 removed,"
        + " 20 B sent (20 bytes)", lines.get(0));
    assertTrue(lines.get(1).startsWith("dead | UNREACHABLE! => "), lines.get(1));
    assertFalse(Files.exists(stale));
    assertEquals("fedge: 1 of 2 hosts unreachable\n", r.err());
  }

  @Test
  void dataFolderGoesUnderData() throws Exception {
    Path jar = Files.writeString(tmp.resolve("alone.jar"), "jar");
    Path data = Files.createDirectories(tmp.resolve("fmnist/train"));
    Files.writeString(data.resolve("labels.idx"), "labels");
    Path remote = tmp.resolve("remote-data");
    Path remoteJar = Files.writeString(
        Files.createDirectories(remote.resolve("lib")).resolve("dep.jar"), "dep");

    CliRun r = sshd.fleet("deploy", "-l", "good", "--jar", jar.toString(),
        "--data", tmp.resolve("fmnist").toString(), "--remote-dir", remote.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("fedge: no lib/ folder next to " + jar + "; deploying without one"
        + " (and leaving the remote lib/ as it is)\n", r.err());
    assertEquals("good | CHANGED => 2 files copied, 0 unchanged, 9 B sent (9 bytes)\n", r.out());
    assertEquals("labels", Files.readString(remote.resolve("data/train/labels.idx")));
    assertEquals("dep", Files.readString(remoteJar), "without a local lib/, nothing is stale");
  }

  @Test
  void missingJarIsInvalidInput() {
    Path missing = tmp.resolve("no.jar");

    CliRun r = sshd.fleet("deploy", "--jar", missing.toString());

    assertEquals(2, r.code());
    assertEquals("fedge: --jar: no such file: " + missing
        + " (build it with 'mvn -q package -DskipTests' or pass --jar)\n", r.err());
  }

  /** A build folder with fedge.jar and lib/ holding one jar whose content is its name. */
  private static Path build(String name, String libJar) throws Exception {
    Path build = Files.createDirectories(tmp.resolve(name));
    Path lib = Files.createDirectories(build.resolve("lib"));
    Files.writeString(lib.resolve(libJar), libJar);
    return Files.writeString(build.resolve("fedge.jar"), "fedge " + name);
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
