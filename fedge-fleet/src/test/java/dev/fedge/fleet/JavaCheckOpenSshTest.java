package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java 17 check of deploy and start, and the Java version in the facts, against a real OpenSSH
 * server on loopback: this JVM's java is the host with Java 17+, a shell script that prints Java
 * 11's version line is the host without it.
 */
@Timeout(120)
class JavaCheckOpenSshTest {

  @TempDir static Path tmp;
  static OpenSshd sshd;
  static SshOptions options;
  static String realJava;
  static String oldJava;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = OpenSshd.start(tmp.resolve("sshd"));
    Path knownHosts = tmp.resolve("known_hosts");
    Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
    options = SshOptions.defaults().withKnownHosts(knownHosts, false)
        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30));
    realJava = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path old = tmp.resolve("old-jdk").resolve("java");
    Files.createDirectories(old.getParent());
    Files.writeString(old, "#!/bin/sh\n"
        + "echo 'openjdk version \"11.0.22\" 2024-01-16' >&2\n"
        + "echo 'OpenJDK Runtime Environment (build 11.0.22+7)' >&2\n");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
    oldJava = old.toString();
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  private static <T> Outcome<T> runOne(HostTask<T> task) {
    try (Fleet fleet = new Fleet(options)) {
      return fleet.runOne(sshd.host("local"), task);
    }
  }

  @Test
  void factsReportTheHostsJavaVersion() {
    Outcome<HostFacts> real = runOne(FleetTasks.facts(realJava));
    Outcome<HostFacts> old = runOne(FleetTasks.facts(oldJava));
    Outcome<HostFacts> none = runOne(FleetTasks.facts(tmp.resolve("no-such-java").toString()));

    assertEquals(Outcome.State.OK, real.state(), real.message());
    assertEquals(Runtime.version().feature(), real.value().javaMajor(), real.value().javaVersion());
    assertEquals("11.0.22", old.value().javaVersion());
    assertEquals(11, old.value().javaMajor());
    assertEquals(HostFacts.NO_JAVA, none.value().javaVersion());
    assertEquals(0, none.value().javaMajor());
  }

  @Test
  void aHostWithJava17PassesTheCheck() {
    Outcome<String> o = runOne(FleetTasks.requireJava(realJava, false));

    assertEquals(Outcome.State.OK, o.state(), o.message());
    assertTrue(Facts.javaMajor(o.value()) >= 17, o.value());
  }

  @Test
  void aHostWithJava11IsRefusedWithOneLineSayingHowToInstall() {
    Outcome<String> o = runOne(FleetTasks.requireJava(oldJava, false));

    assertEquals(Outcome.State.FAILED, o.state());
    assertFalse(o.message().contains("\n"), o.message());
    assertTrue(o.message().contains("is Java 11.0.22"), o.message());
    assertTrue(o.message().contains("sudo apt-get install openjdk-17-jre-headless"), o.message());
    assertTrue(o.message().contains("--install-java"), o.message());
  }

  @Test
  void aHostWithoutJavaIsRefusedNamingTheCommand() {
    String missing = tmp.resolve("no-such-java").toString();

    Outcome<String> o = runOne(FleetTasks.requireJava(missing, false));

    assertEquals(Outcome.State.FAILED, o.state());
    assertTrue(o.message().contains("no '" + missing + "' command"), o.message());
  }

  @Test
  void deployToAHostWithoutJava17CopiesNothing() throws Exception {
    Path jar = tmp.resolve("local").resolve("fedge.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "not really a jar");
    RemoteDir dir = new RemoteDir(tmp.resolve("remote-old").toString());
    DeployPlan plan = DeployPlan.of(jar, null, null, null);

    Outcome<DeployReport> refused =
        runOne(FleetTasks.withJava(oldJava, false, FleetTasks.deploy(plan, dir)));
    Outcome<DeployReport> deployed =
        runOne(FleetTasks.withJava(realJava, false, FleetTasks.deploy(plan, dir)));

    assertEquals(Outcome.State.FAILED, refused.state());
    assertTrue(refused.message().contains("needs Java 17+"), refused.message());
    assertEquals(Outcome.State.OK, deployed.state(), deployed.message());
    assertEquals(1, deployed.value().copied());
    assertTrue(Files.isRegularFile(tmp.resolve("remote-old").resolve("fedge.jar")));
  }

  @Test
  void startOnAHostWithoutJava17IsRefusedBeforeAnythingRuns() {
    RemoteDir dir = new RemoteDir(tmp.resolve("remote-start").toString());

    Outcome<ClientState> o = runOne(FleetTasks.withJava(oldJava, false,
        FleetTasks.start(dir, oldJava, java.util.List.of("--server", "localhost:1"))));

    assertEquals(Outcome.State.FAILED, o.state());
    assertTrue(o.message().contains("needs Java 17+"), o.message());
    assertFalse(o.message().contains("not-deployed") || o.message().contains("fedge.jar"),
        "the Java check comes before the deploy check: " + o.message());
  }

  @Test
  void javaVersionLinesAreRead() {
    assertEquals("17.0.9", Facts.javaVersion("openjdk version \"17.0.9\" 2023-10-17"));
    assertEquals(8, Facts.javaMajor(Facts.javaVersion("java version \"1.8.0_392\"")));
    assertEquals(21, Facts.javaMajor("21"));
    assertEquals(HostFacts.NO_JAVA, Facts.javaVersion("sh: java: not found"));
  }
}
