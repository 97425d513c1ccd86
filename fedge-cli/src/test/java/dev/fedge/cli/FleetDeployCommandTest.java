package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
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
    assertEquals("good | CHANGED => 4 files copied, 0 unchanged\n", first.out());
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(remote.resolve("fedge.jar")));
    assertEquals("fake djl", Files.readString(remote.resolve("lib/djl.jar")));
    assertEquals(0, second.code(), second.err());
    assertEquals("good | OK => 0 files copied, 4 unchanged\n", second.out());
    assertEquals("good | CHANGED => 1 file copied, 3 unchanged\n", third.out());
    assertEquals("rounds: 5\n", Files.readString(remote.resolve("client.yaml")));
  }

  @Test
  void dataFolderGoesUnderData() throws Exception {
    Path jar = Files.writeString(tmp.resolve("alone.jar"), "jar");
    Path data = Files.createDirectories(tmp.resolve("fmnist/train"));
    Files.writeString(data.resolve("labels.idx"), "labels");
    Path remote = tmp.resolve("remote-data");

    CliRun r = sshd.fleet("deploy", "-l", "good", "--jar", jar.toString(),
        "--data", tmp.resolve("fmnist").toString(), "--remote-dir", remote.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("fedge: no lib/ folder next to " + jar + "; deploying without one\n", r.err());
    assertEquals("good | CHANGED => 2 files copied, 0 unchanged\n", r.out());
    assertEquals("labels", Files.readString(remote.resolve("data/train/labels.idx")));
  }

  @Test
  void missingJarIsInvalidInput() {
    Path missing = tmp.resolve("no.jar");

    CliRun r = sshd.fleet("deploy", "--jar", missing.toString());

    assertEquals(2, r.code());
    assertEquals("fedge: --jar: no such file: " + missing
        + " (build it with 'mvn -q package -DskipTests' or pass --jar)\n", r.err());
  }
}
