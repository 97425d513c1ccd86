package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet deploy} with one native per platform in lib/native/, against a real OpenSSH server
 * on loopback (this x86_64 Linux machine): the host gets the common lib/ and its own native only.
 */
@Timeout(120)
class NativeDeployOpenSshTest {

  @TempDir static Path tmp;
  static OpenSshd sshd;
  static SshOptions options;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = OpenSshd.start(tmp.resolve("sshd"));
    Path knownHosts = tmp.resolve("known_hosts");
    Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
    options = SshOptions.defaults().withKnownHosts(knownHosts, false)
        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  private static Path write(Path file, int bytes) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[bytes]);
    return file;
  }

  @Test
  void anX86HostGetsTheCommonLibAndTheLinuxX8664NativeOnly() throws Exception {
    String machine = new String(new ProcessBuilder("uname", "-m").start().getInputStream()
        .readAllBytes()).strip();
    org.junit.jupiter.api.Assumptions.assumeTrue(machine.equals("x86_64"), "not x86_64");
    Path build = tmp.resolve("build");
    Path jar = write(build.resolve("fedge.jar"), 100);
    Path lib = build.resolve("lib");
    write(lib.resolve("common.jar"), 1000);
    write(lib.resolve("native/linux-x86_64/pytorch-native-cpu-linux-x86_64.jar"), 20_000);
    write(lib.resolve("native/linux-aarch64/pytorch-native-cpu-linux-aarch64.jar"), 30_000);
    write(lib.resolve("native/osx-aarch64/pytorch-native-cpu-osx-aarch64.jar"), 40_000);
    Path remote = tmp.resolve("remote");
    DeployPlan plan = DeployPlan.of(jar, lib, null, null);

    Outcome<DeployReport> first;
    Outcome<DeployReport> second;
    try (Fleet fleet = new Fleet(options)) {
      first = fleet.runOne(sshd.host("local"),
          FleetTasks.deployForHost(plan, new RemoteDir(remote.toString()), true));
      second = fleet.runOne(sshd.host("local"),
          FleetTasks.deployForHost(plan, new RemoteDir(remote.toString()), true));
    }

    assertEquals(Outcome.State.OK, first.state(), first.message());
    assertEquals("linux-x86_64", first.value().platform());
    assertEquals(3, first.value().copied());
    assertEquals(100 + 1000 + 20_000, first.value().bytesCopied());
    assertTrue(first.value().summary().contains("(21100 bytes), native linux-x86_64"),
        first.value().summary());
    assertTrue(Files.isRegularFile(
        remote.resolve("lib/native/linux-x86_64/pytorch-native-cpu-linux-x86_64.jar")));
    assertFalse(Files.exists(remote.resolve("lib/native/linux-aarch64")));
    assertFalse(Files.exists(remote.resolve("lib/native/osx-aarch64")));
    assertEquals(0, second.value().bytesCopied(), "nothing changed, nothing sent");
    assertEquals(3, second.value().unchanged());
  }

  @Test
  void forPlatformKeepsTheCommonFilesAndOneNative() throws Exception {
    Path build = tmp.resolve("plan");
    Path jar = write(build.resolve("fedge.jar"), 10);
    Path lib = build.resolve("lib");
    write(lib.resolve("common.jar"), 10);
    write(lib.resolve("native/linux-x86_64/x.jar"), 10);
    write(lib.resolve("native/linux-aarch64/a.jar"), 10);
    DeployPlan plan = DeployPlan.of(jar, lib, null, null);

    List<String> targets = plan.forPlatform(new NativePlatform("linux-aarch64")).files().stream()
        .map(DeployPlan.File::target).toList();

    assertTrue(plan.hasNatives());
    assertEquals(List.of("fedge.jar", "lib/common.jar", "lib/native/linux-aarch64/a.jar"), targets);
  }

  @Test
  void platformsAreNamedFromUname() {
    assertEquals("linux-x86_64", NativePlatform.of("Linux", "x86_64").orElseThrow().name());
    assertEquals("linux-aarch64", NativePlatform.of("Linux", "aarch64").orElseThrow().name());
    assertEquals("osx-aarch64", NativePlatform.of("Darwin", "arm64").orElseThrow().name());
    assertTrue(NativePlatform.of("Linux", "armv7l").isEmpty());
    assertTrue(NativePlatform.unsupported("Linux", "armv7l")
        .startsWith("no PyTorch native for linux-armv7l: it is a 32-bit OS; install the 64-bit"),
        NativePlatform.unsupported("Linux", "armv7l"));
    assertThrows(IllegalArgumentException.class, () -> new NativePlatform("linux-armv7l"));
  }
}
