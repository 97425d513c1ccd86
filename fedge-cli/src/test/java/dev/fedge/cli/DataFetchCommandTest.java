package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFetchCommandTest {

  @TempDir Path dataDir;

  /** Exit code, standard output and standard error of one in-process run. */
  record Run(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Fedge.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void fetchFashionMnistFromDebianPackage() {
    assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
        "dataset-fashion-mnist is not installed");

    Run r = run("data", "fetch", "fashion-mnist", "--data-dir", dataDir.toString(), "--offline");

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith(
        "fashion-mnist: /usr/share/datasets/fashion-mnist (system package)\n"), r.out());
    assertTrue(r.out().matches("(?s).*train-images-idx3-ubyte\\.gz +26\\.4 MB\n.*"), r.out());
    assertTrue(r.out().contains("t10k-labels-idx1-ubyte.gz"), r.out());
  }

  @Test
  void fetchFindsFilesInDataDir() throws Exception {
    Path own = Files.createDirectories(dataDir.resolve("cifar100"));
    Files.write(own.resolve("train.bin"), new byte[3074 * 2]);
    Files.write(own.resolve("test.bin"), new byte[3074]);

    Run r = run("data", "fetch", "cifar100", "--data-dir", dataDir.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("cifar100: " + own + " (data folder)\n"
        + String.format("  %-32s %10s%n", "train.bin", "6.1 kB")
        + String.format("  %-32s %10s%n", "test.bin", "3.1 kB"), r.out());
  }

  @Test
  void unknownNameIsInvalidInputWithOneLine() {
    Run r = run("data", "fetch", "imagenet", "--data-dir", dataDir.toString());

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals(List.of("fedge: unknown data set 'imagenet': known names are fashion-mnist,"
        + " mnist, cifar10, cifar100, folder:<path>"), r.errLines());
  }

  @Test
  void cifar10WithNoNetworkSaysWhereToPutTheFiles() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }

    Run r = run("data", "fetch", "cifar10", "--data-dir", dataDir.toString(),
        "--mirror", "http://127.0.0.1:" + closedPort);

    assertEquals(ExitException.UNAVAILABLE, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    String line = r.errLines().get(0);
    Path own = dataDir.resolve("cifar10");
    assertTrue(line.startsWith("fedge: cifar10: not found in " + own
        + " and download failed (no network? "), line);
    assertTrue(line.endsWith(
        "): put cifar-10-binary.tar.gz or its extracted cifar-10-batches-bin/ in " + own + "/"),
        line);
  }

  @Test
  void offlineWithoutFilesIsUnavailable() {
    Run r = run("data", "fetch", "mnist", "--data-dir", dataDir.toString(), "--offline");

    assertEquals(ExitException.UNAVAILABLE, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("fedge: mnist: not found in "), r.err());
  }
}
