package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fleet tasks against a real OpenSSH server on loopback. */
@Timeout(120)
class FleetOpenSshTest {

  @TempDir static Path tmp;
  static OpenSshd sshd;
  static Path knownHosts;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = OpenSshd.start(tmp.resolve("sshd"));
    knownHosts = tmp.resolve("known_hosts");
    // only the ed25519 key is known: the client must prefer it although it would pick ecdsa first
    Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  private static SshOptions options(Path knownHostsFile, boolean acceptNew) {
    return SshOptions.defaults()
        .withKnownHosts(knownHostsFile, acceptNew)
        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  private static <T> Outcome<T> runOne(SshOptions options, Host host, HostTask<T> task) {
    try (Fleet fleet = new Fleet(options)) {
      return fleet.runOne(host, task);
    }
  }

  @Test
  void pingAnswersPongWhenTheHostKeyIsKnown() {
    Outcome<String> o = runOne(options(knownHosts, false), sshd.host("local"), FleetTasks.ping());

    assertEquals(Outcome.State.OK, o.state(), o.message());
    assertEquals("pong", o.value());
    assertEquals("", o.message(), "nothing recorded for a known key");
  }

  @Test
  void unknownHostKeyIsRefusedThenAcceptedAndRecorded() throws IOException {
    Path file = tmp.resolve("unknown_known_hosts");

    Outcome<String> refused = runOne(options(file, false), sshd.host("local"), FleetTasks.ping());
    Outcome<String> accepted = runOne(options(file, true), sshd.host("local"), FleetTasks.ping());
    Outcome<String> again = runOne(options(file, false), sshd.host("local"), FleetTasks.ping());

    assertEquals(Outcome.State.UNREACHABLE, refused.state());
    assertTrue(refused.message().contains("not in known_hosts"), refused.message());
    assertTrue(refused.message().contains("--accept-new-host-keys"), refused.message());
    assertEquals(Outcome.State.OK, accepted.state(), accepted.message());
    assertTrue(accepted.message().startsWith("added [127.0.0.1]:" + sshd.port()),
        accepted.message());
    List<String> lines = OpenSshd.lines(file);
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("[127.0.0.1]:" + sshd.port() + " "), lines.get(0));
    String recordedKey = lines.get(0).split(" ")[2];
    assertTrue(Files.readString(sshd.hostKeyPub("ed25519")).contains(recordedKey)
        || Files.readString(sshd.hostKeyPub("ecdsa")).contains(recordedKey),
        "one of the server's keys");
    assertEquals(Outcome.State.OK, again.state(), again.message());
    assertEquals(1, OpenSshd.lines(file).size(), "a known key is not recorded twice");
  }

  @Test
  void changedHostKeyIsRefusedEvenWhenNewKeysAreAccepted() throws Exception {
    Path other = tmp.resolve("other_host_key");
    OpenSshd.keygen("ed25519", other);
    Path file = tmp.resolve("changed_known_hosts");
    String line = sshd.knownHostsLine(Path.of(other + ".pub"));
    Files.writeString(file, "# a comment\n" + line + "\n");

    Outcome<String> strict = runOne(options(file, false), sshd.host("local"), FleetTasks.ping());
    Outcome<String> lenient = runOne(options(file, true), sshd.host("local"), FleetTasks.ping());

    for (Outcome<String> o : List.of(strict, lenient)) {
      assertEquals(Outcome.State.UNREACHABLE, o.state());
      assertTrue(o.message().contains("HOST KEY CHANGED"), o.message());
      assertTrue(o.message().contains("line 2"), o.message());
    }
    assertEquals(List.of("# a comment", line), OpenSshd.lines(file), "file left alone");
  }

  @Test
  void wrongKeyIsPermissionDenied() throws Exception {
    Path wrong = tmp.resolve("wrong_key");
    OpenSshd.keygen("ed25519", wrong);
    Host host = Host.of("local", Map.of("ansible_host", "127.0.0.1",
        "ansible_port", Integer.toString(sshd.port()),
        "ansible_ssh_private_key_file", wrong.toString()));

    Outcome<String> o = runOne(options(knownHosts, false).withDefaultUser(OpenSshd.user()), host,
        FleetTasks.ping());

    assertEquals(Outcome.State.UNREACHABLE, o.state());
    assertTrue(o.message().startsWith("Permission denied (publickey) for " + OpenSshd.user()
        + "@127.0.0.1:" + sshd.port()), o.message());
    assertTrue(o.message().contains(wrong.toString()), o.message());
  }

  @Test
  void deadAndSilentHostsFailWithoutBlockingTheOthers() throws Exception {
    int closed = OpenSshd.freePort();
    try (ServerSocket silent = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(silent.accept()); // never says anything
          }
        } catch (IOException e) {
          // closed
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Host dead = Host.of("dead", Map.of("ansible_host", "127.0.0.1",
          "ansible_port", Integer.toString(closed)));
      Host mute = Host.of("mute", Map.of("ansible_host", "127.0.0.1",
          "ansible_port", Integer.toString(silent.getLocalPort())));
      SshOptions opts = options(knownHosts, false)
          .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10))
          .withIdentities(List.of(sshd.userKey()))
          .withDefaultUser(OpenSshd.user());

      List<Outcome<String>> outcomes;
      try (Fleet fleet = new Fleet(opts)) {
        outcomes = fleet.run(List.of(dead, mute, sshd.host("good")), FleetTasks.ping());
      }

      assertEquals(List.of("dead", "mute", "good"),
          outcomes.stream().map(o -> o.host().name()).toList());
      assertEquals(Outcome.State.UNREACHABLE, outcomes.get(0).state());
      assertTrue(outcomes.get(0).message().contains("Connection refused"),
          outcomes.get(0).message());
      assertEquals(Outcome.State.UNREACHABLE, outcomes.get(1).state());
      assertTrue(outcomes.get(1).message().contains("timed out after 2 s"),
          outcomes.get(1).message());
      assertEquals(Outcome.State.OK, outcomes.get(2).state(), outcomes.get(2).message());
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void shellReturnsExitCodeAndBothStreams() {
    Outcome<CommandResult> o = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.shell("echo \"hello $((40+2))\"; echo oops >&2; exit 3"));

    assertEquals(Outcome.State.OK, o.state(), o.message());
    assertEquals(3, o.value().exitCode());
    assertEquals("hello 42\n", o.value().stdout());
    assertEquals("oops\n", o.value().stderr());
  }

  @Test
  void aCommandThatOutlivesTheTimeoutFails() {
    SshOptions opts = options(knownHosts, false).withTimeouts(Duration.ofSeconds(10),
        Duration.ofSeconds(1));

    Outcome<CommandResult> o = runOne(opts, sshd.host("local"), FleetTasks.shell("sleep 15"));

    assertEquals(Outcome.State.FAILED, o.state());
    assertTrue(o.message().contains("timed out after 1 s"), o.message());
  }

  @Test
  void factsOfThisMachineMatchWhatItSaysLocally() throws IOException {
    Outcome<HostFacts> o = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.facts());

    assertEquals(Outcome.State.OK, o.state(), o.message());
    HostFacts f = o.value();
    String pretty = Files.readAllLines(Path.of("/etc/os-release")).stream()
        .filter(l -> l.startsWith("PRETTY_NAME="))
        .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""))
        .findFirst().orElseThrow();
    assertEquals(pretty, f.os());
    assertTrue(f.kernel().startsWith("Linux "), f.kernel());
    assertTrue(f.cores() >= 1, "cores " + f.cores());
    long memTotalKb = Files.readAllLines(Path.of("/proc/meminfo")).stream()
        .filter(l -> l.startsWith("MemTotal:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
        .findFirst().orElseThrow();
    assertEquals(memTotalKb * 1024, f.memTotalBytes());
    assertTrue(f.memAvailableBytes() > 0 && f.memAvailableBytes() <= f.memTotalBytes());
    assertTrue(f.diskFreeBytes() > 0);
    assertTrue(f.load1() >= 0);
    boolean hasZone;
    try (var zones = Files.list(Path.of("/sys/class/thermal"))) {
      hasZone = zones.anyMatch(p -> p.getFileName().toString().startsWith("thermal_zone")
          && Files.isReadable(p.resolve("temp")));
    } catch (IOException e) {
      hasZone = false;
    }
    assertEquals(hasZone, f.cpuTemperature().isPresent(), f.temperatureText());
    if (!hasZone) {
      assertEquals("n/a", f.temperatureText());
    }
    if (!Files.exists(Path.of("/proc/device-tree/model"))
        && !Files.exists(Path.of("/etc/nv_tegra_release"))
        && !Files.exists(Path.of("/usr/bin/nvidia-smi"))) {
      assertEquals("generic", f.deviceClass());
      assertEquals("none", f.accelerator());
    }
  }

  @Test
  void deployCopiesOnlyWhatChanged() throws Exception {
    Path local = Files.createDirectories(tmp.resolve("deploy-local"));
    Path jar = write(local.resolve("fedge.jar"), 3000);
    Path lib = Files.createDirectories(local.resolve("lib"));
    Path libA = write(lib.resolve("a.jar"), 1000);
    write(lib.resolve("b.jar"), 2000);
    Path config = Files.writeString(local.resolve("client.yaml"), "rounds: 3\n");
    Path data = Files.createDirectories(local.resolve("mydata"));
    write(Files.createDirectories(data.resolve("part 1")).resolve("x.bin"), 500);
    Path remote = tmp.resolve("remote fedge");
    RemoteDir dir = new RemoteDir(remote.toString());
    DeployPlan plan = DeployPlan.of(jar, lib, config, data);

    Outcome<DeployReport> first = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.deploy(plan, dir));
    Outcome<DeployReport> second = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.deploy(plan, dir));
    write(libA, 1001);
    Outcome<DeployReport> third = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.deploy(DeployPlan.of(jar, lib, config, data), dir));

    assertEquals(Outcome.State.OK, first.state(), first.message());
    assertEquals(new DeployReport(5, 0, 3000 + 1000 + 2000 + 10 + 500, true, List.of()),
        first.value());
    assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(remote.resolve("fedge.jar")));
    assertArrayEquals(Files.readAllBytes(lib.resolve("b.jar")),
        Files.readAllBytes(remote.resolve("lib/b.jar")));
    assertEquals("rounds: 3\n", Files.readString(remote.resolve("client.yaml")));
    assertTrue(Files.isRegularFile(remote.resolve("data/part 1/x.bin")));
    assertEquals(new DeployReport(0, 5, 0, true, List.of()), second.value());
    assertEquals("0 files copied, 5 unchanged, 0 removed, 0 B sent (0 bytes)",
        second.value().summary());
    assertEquals(new DeployReport(1, 4, 1001, true, List.of()), third.value());
    assertArrayEquals(Files.readAllBytes(libA), Files.readAllBytes(remote.resolve("lib/a.jar")));
    try (var left = Files.walk(remote)) {
      assertFalse(left.anyMatch(p -> p.toString().endsWith(".fedge-part")), "no partial files");
    }
  }

  @Test
  void startStatusLogsStop() throws Exception {
    Path local = Files.createDirectories(tmp.resolve("client-local"));
    Path jar = SleeperJars.sleeper(local.resolve("fedge.jar"));
    Path remote = tmp.resolve("client-remote");
    RemoteDir dir = new RemoteDir(remote.toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    SshOptions opts = options(knownHosts, false);
    Host host = sshd.host("local");
    try {
      Outcome<ClientState> notDeployed = runOne(opts, host, FleetTasks.status(dir));
      assertEquals("not-deployed", notDeployed.value().state());
      assertEquals(Outcome.State.OK, runOne(opts, host,
          FleetTasks.deploy(DeployPlan.of(jar, null, null, null), dir)).state());

      Outcome<ClientState> started = runOne(opts, host, FleetTasks.start(dir, java,
          List.of("--server", "127.0.0.1:9999", "--dataset", "fashion mnist")));
      String pidFile = Files.readString(remote.resolve(FleetTasks.PID_FILE)).strip();
      Outcome<ClientState> running = runOne(opts, host, FleetTasks.status(dir));
      Outcome<ClientState> again = runOne(opts, host, FleetTasks.start(dir, java, List.of()));
      Outcome<CommandResult> logs = runOne(opts, host, FleetTasks.logs(dir, 50));
      Outcome<ClientState> stopped = runOne(opts, host, FleetTasks.stop(dir, 10));
      Outcome<ClientState> after = runOne(opts, host, FleetTasks.status(dir));
      Outcome<ClientState> stopAgain = runOne(opts, host, FleetTasks.stop(dir, 10));

      assertEquals(Outcome.State.OK, started.state(), started.message());
      assertTrue(started.value().running() && started.value().changed());
      long pid = started.value().pid();
      assertTrue(pid > 0);
      assertEquals(Long.toString(pid), pidFile, "pid file");
      assertEquals(new ClientState("running", pid, false, ""), running.value());
      assertEquals(pid, again.value().pid());
      assertFalse(again.value().changed(), "already running: nothing started");
      assertEquals(Outcome.State.OK, logs.state(), logs.message());
      assertEquals(0, logs.value().exitCode(), logs.value().output());
      assertTrue(logs.value().stdout().contains(
          "fake client client --server 127.0.0.1:9999 --dataset fashion mnist"),
          logs.value().stdout());
      assertEquals(Outcome.State.OK, stopped.state(), stopped.message());
      assertEquals("stopped", stopped.value().state());
      assertTrue(stopped.value().changed());
      assertEquals(pid, stopped.value().pid());
      assertFalse(Files.exists(remote.resolve(FleetTasks.PID_FILE)), "pid file removed");
      assertEquals("stopped", after.value().state());
      assertFalse(stopAgain.value().changed());
    } finally {
      SleeperJars.killFromPidFile(remote.resolve(FleetTasks.PID_FILE));
    }
  }

  @Test
  void startFailsWhenNothingIsDeployedAndLogsFailWithoutALog() {
    RemoteDir dir = new RemoteDir(tmp.resolve("nothing-here").toString());

    Outcome<ClientState> start = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.start(dir, "java", List.of("--server", "h:1")));
    Outcome<CommandResult> logs = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.logs(dir, 5));

    assertEquals(Outcome.State.FAILED, start.state());
    assertTrue(start.message().contains("no fedge.jar in " + dir), start.message());
    assertEquals(1, logs.value().exitCode());
    assertTrue(logs.value().stderr().contains("no log"), logs.value().stderr());
  }

  @Test
  void deployRemovesOnlyStaleJarsDirectlyInLib() throws Exception {
    Path local = Files.createDirectories(tmp.resolve("prune-local"));
    Path jar = write(local.resolve("fedge.jar"), 300);
    Path lib = Files.createDirectories(local.resolve("lib"));
    write(lib.resolve("guava-32.jar"), 200);
    Path remote = Files.createDirectories(tmp.resolve("prune-remote"));
    Path remoteLib = Files.createDirectories(remote.resolve("lib"));
    Files.writeString(remoteLib.resolve("guava-31.jar"), "old guava");
    Files.writeString(remoteLib.resolve("zstd 1.5.jar"), "old zstd");
    Files.writeString(remoteLib.resolve("notes.txt"), "not a jar");
    Files.writeString(remoteLib.resolve("half.jar.fedge-part"), "a partial upload");
    Path nested = Files.writeString(
        Files.createDirectories(remoteLib.resolve("native")).resolve("deep.jar"), "nested");
    Path outside = Files.writeString(remote.resolve("stray.jar"), "outside lib");
    Path foreign = Files.writeString(
        Files.createDirectories(tmp.resolve("prune-foreign")).resolve("shared.jar"), "theirs");
    Path link = Files.createSymbolicLink(remoteLib.resolve("shared.jar"), foreign);
    Path linkedDir = Files.createSymbolicLink(remoteLib.resolve("more.jar"), foreign.getParent());
    RemoteDir dir = new RemoteDir(remote.toString());

    Outcome<DeployReport> first = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.deploy(DeployPlan.of(jar, lib, null, null), dir));
    Outcome<DeployReport> second = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.deploy(DeployPlan.of(jar, lib, null, null), dir));

    assertEquals(Outcome.State.OK, first.state(), first.message());
    assertEquals(new DeployReport(2, 0, 500, true,
        List.of("lib/guava-31.jar", "lib/zstd 1.5.jar")), first.value());
    assertEquals("2 files copied, 0 unchanged, 2 removed, 500 B sent (500 bytes)",
        first.value().summary());
    assertFalse(Files.exists(remoteLib.resolve("guava-31.jar")), "stale jar removed");
    assertFalse(Files.exists(remoteLib.resolve("zstd 1.5.jar")), "stale jar removed");
    assertArrayEquals(Files.readAllBytes(lib.resolve("guava-32.jar")),
        Files.readAllBytes(remoteLib.resolve("guava-32.jar")));
    assertEquals("not a jar", Files.readString(remoteLib.resolve("notes.txt")));
    assertTrue(Files.exists(remoteLib.resolve("half.jar.fedge-part")), "only *.jar is pruned");
    assertEquals("nested", Files.readString(nested), "subfolders of lib/ are left alone");
    assertEquals("outside lib", Files.readString(outside), "only lib/ is pruned");
    assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(linkedDir), "links kept");
    assertEquals("theirs", Files.readString(foreign), "never through a link");
    assertEquals(new DeployReport(0, 2, 0, true, List.of()), second.value());
  }

  @Test
  void noPruneKeepsStaleJars() throws Exception {
    Path local = Files.createDirectories(tmp.resolve("noprune-local"));
    Path jar = write(local.resolve("fedge.jar"), 100);
    Path lib = Files.createDirectories(local.resolve("lib"));
    write(lib.resolve("new.jar"), 50);
    Path remote = Files.createDirectories(tmp.resolve("noprune-remote"));
    Path stale = Files.writeString(
        Files.createDirectories(remote.resolve("lib")).resolve("old.jar"), "old");
    RemoteDir dir = new RemoteDir(remote.toString());

    Outcome<DeployReport> kept = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.deploy(DeployPlan.of(jar, lib, null, null), dir, false));
    Outcome<DeployReport> noLib = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.deploy(DeployPlan.of(jar, null, null, null), dir, true));

    assertEquals(new DeployReport(2, 0, 150), kept.value());
    assertEquals("old", Files.readString(stale));
    assertEquals(new DeployReport(0, 1, 0), noLib.value(), "no local lib/: nothing is stale");
    assertEquals("old", Files.readString(stale));
  }

  @Test
  void aFailedUploadNamesTheFileAndPrunesNothing() throws Exception {
    Path local = Files.createDirectories(tmp.resolve("failing-local"));
    Path jar = write(local.resolve("fedge.jar"), 100);
    Path lib = Files.createDirectories(local.resolve("lib"));
    write(lib.resolve("a.jar"), 50);
    Path remote = Files.createDirectories(tmp.resolve("failing-remote"));
    Path remoteLib = Files.createDirectories(remote.resolve("lib"));
    // a non-empty folder where a.jar must go: the rename over it fails
    Files.writeString(Files.createDirectories(remoteLib.resolve("a.jar")).resolve("x"), "x");
    Path stale = Files.writeString(remoteLib.resolve("old.jar"), "old");
    RemoteDir dir = new RemoteDir(remote.toString());

    Outcome<DeployReport> r = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.deploy(DeployPlan.of(jar, lib, null, null), dir));

    assertEquals(Outcome.State.FAILED, r.state());
    assertTrue(r.message().startsWith("upload of " + lib.resolve("a.jar") + " to "
        + remoteLib.resolve("a.jar") + " failed"), r.message());
    assertFalse(r.message().contains("\n"), r.message());
    assertEquals("old", Files.readString(stale), "no pruning after a failed upload");
    assertFalse(Files.exists(remoteLib.resolve("a.jar.fedge-part")), "partial upload removed");
  }

  @Test
  void pruningThroughASymlinkedLibIsRefusedBeforeUploading() throws Exception {
    Path local = Files.createDirectories(tmp.resolve("linked-local"));
    Path jar = write(local.resolve("fedge.jar"), 100);
    Path lib = Files.createDirectories(local.resolve("lib"));
    write(lib.resolve("a.jar"), 50);
    Path elsewhere = Files.createDirectories(tmp.resolve("linked-elsewhere"));
    Path theirs = Files.writeString(elsewhere.resolve("theirs.jar"), "theirs");
    Path remote = Files.createDirectories(tmp.resolve("linked-remote"));
    Files.createSymbolicLink(remote.resolve("lib"), elsewhere);
    RemoteDir dir = new RemoteDir(remote.toString());

    Outcome<DeployReport> r = runOne(options(knownHosts, false), sshd.host("local"),
        FleetTasks.deploy(DeployPlan.of(jar, lib, null, null), dir));

    assertEquals(Outcome.State.FAILED, r.state());
    assertEquals("not pruning " + remote + "/lib: it is a symbolic link, so its jars may not be"
        + " fedge's own; deploy into a folder of fedge's own, or pass --no-prune (nothing was"
        + " uploaded)", r.message());
    assertEquals("theirs", Files.readString(theirs));
    assertFalse(Files.exists(remote.resolve("fedge.jar")), "nothing uploaded");
    assertFalse(Files.exists(elsewhere.resolve("a.jar")), "nothing uploaded");
  }

  private static Path write(Path file, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(file, bytes);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
