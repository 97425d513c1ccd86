package dev.fedge.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fedge.data.download.Checksums;
import dev.fedge.data.download.DownloadProgress;
import dev.fedge.data.download.PackageInstaller;
import dev.fedge.data.download.TarWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {

  @TempDir Path dataDir;
  @TempDir Path work;

  private HttpServer server;
  private final Map<String, byte[]> served = new ConcurrentHashMap<>();
  private final List<String> requested = new ArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      synchronized (requested) {
        requested.add(path);
      }
      byte[] body = served.get(path);
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private byte[] cifar10Archive() throws IOException {
    return Files.readAllBytes(new TarWriter()
        .add("cifar-10-batches-bin/", new byte[0])
        .add("cifar-10-batches-bin/batches.meta.txt",
            "plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n".getBytes())
        .add("cifar-10-batches-bin/data_batch_1.bin", CifarFiles.batch(1, 0, 0, 1))
        .add("cifar-10-batches-bin/data_batch_2.bin", CifarFiles.batch(1, 0, 2))
        .add("cifar-10-batches-bin/data_batch_3.bin", CifarFiles.batch(1, 0, 3))
        .add("cifar-10-batches-bin/data_batch_4.bin", CifarFiles.batch(1, 0, 4))
        .add("cifar-10-batches-bin/data_batch_5.bin", CifarFiles.batch(1, 0, 5, 6, 7))
        .add("cifar-10-batches-bin/test_batch.bin", CifarFiles.batch(1, 0, 8, 9))
        .write(work.resolve("cifar-10-binary.tar.gz")));
  }

  private List<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void downloadsVerifiesAndExtractsCifar10() throws Exception {
    // Arrange
    byte[] archive = cifar10Archive();
    served.put("/cifar10/cifar-10-binary.tar.gz", archive);
    Path tmp = Files.write(work.resolve("a"), archive);
    List<Long> progress = new ArrayList<>();
    DatasetLocator locator = DatasetLocator.builder()
        .optDataDir(dataDir)
        .optMirror(base())
        .optChecksum("cifar-10-binary.tar.gz", Checksums.sha256(tmp))
        .optProgress(new DownloadProgress() {
          @Override
          public void started(String file, long totalBytes) {
            progress.add(totalBytes);
          }

          @Override
          public void advanced(long doneBytes) {
            progress.add(doneBytes);
          }

          @Override
          public void finished() {}
        })
        .build();

    // Act
    LocatedDataset found = locator.locate("cifar10");
    DataSplit split = Datasets.read(found, ImageFolderOptions.DEFAULTS);

    // Assert
    assertEquals(LocatedDataset.Origin.DOWNLOADED, found.origin());
    assertEquals(dataDir.resolve("cifar10/cifar-10-batches-bin"), found.dir());
    assertEquals(List.of("/cifar10/cifar-10-binary.tar.gz"), requested);
    assertEquals((long) archive.length, progress.get(0));
    assertEquals((long) archive.length, progress.get(progress.size() - 1));
    assertEquals(8, split.train().size());
    assertEquals(2, split.test().size());
    assertEquals("car", split.train().classNames().get(1));
    assertEquals(9, split.test().label(1));
    assertTrue(Files.isRegularFile(dataDir.resolve("cifar10/cifar-10-binary.tar.gz")));
    // a second call finds the files on disk and does not download again
    assertEquals(LocatedDataset.Origin.DATA_DIR, locator.locate("cifar10").origin());
    assertEquals(1, requested.size());
  }

  @Test
  void wrongChecksumIsRejectedAndLeavesNothing() throws Exception {
    served.put("/cifar10/cifar-10-binary.tar.gz", cifar10Archive());
    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir).optMirror(base())
        .build(); // the official checksum, which this archive does not have

    DatasetUnavailableException e =
        assertThrows(DatasetUnavailableException.class, () -> locator.locate("cifar10"));

    assertTrue(e.getMessage().startsWith("cifar10: download failed: cifar-10-binary.tar.gz: MD5"
        + " checksum mismatch: expected c32a1d4ab5d03f1284b67883e8d87530, got "), e.getMessage());
    assertEquals(List.of(), filesUnder(dataDir));
  }

  @Test
  void noNetworkFailsFastWithWhereToPutTheFiles() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path own = dataDir.resolve("cifar10");
    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir)
        .optMirror("http://127.0.0.1:" + closedPort).build();

    DatasetUnavailableException e =
        assertThrows(DatasetUnavailableException.class, () -> locator.locate("cifar10"));

    assertTrue(e.getMessage().startsWith(
        "cifar10: not found in " + own + " and download failed (no network? "), e.getMessage());
    assertTrue(e.getMessage().endsWith(
        "): put cifar-10-binary.tar.gz or its extracted cifar-10-batches-bin/ in " + own + "/"),
        e.getMessage());
    assertTrue(e.getMessage().contains("/cifar10/cifar-10-binary.tar.gz: cannot connect"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(List.of(), filesUnder(dataDir));
  }

  @Test
  void fashionMnistThatCannotBeDownloadedComesFromItsSystemPackage() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path sys = work.resolve("usr-share-datasets-fashion-mnist");
    List<String> installed = new ArrayList<>();
    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir)
        .optMirror("http://127.0.0.1:" + closedPort)
        .optSystemDir("fashion-mnist", sys)
        .optPackageInstaller((pkg, why) -> {
          installed.add(pkg + " for " + why);
          try {
            IdxFiles.writeSet(sys, 5, 3, true); // what the package puts there
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return true;
        })
        .build();

    LocatedDataset found = locator.locate("fashion-mnist");

    assertEquals(List.of("dataset-fashion-mnist for fashion-mnist: download failed"), installed);
    assertEquals(LocatedDataset.Origin.SYSTEM, found.origin());
    assertEquals(sys, found.dir());
    assertEquals(3, Datasets.read(found, ImageFolderOptions.DEFAULTS).test().size());
    assertEquals(List.of(), filesUnder(dataDir));
  }

  @Test
  void fashionMnistWithNoDownloadAndNoPackageSaysWhereToPutTheFiles() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path own = dataDir.resolve("fashion-mnist");
    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir)
        .optMirror("http://127.0.0.1:" + closedPort)
        .optSystemDir("fashion-mnist", work.resolve("none"))
        .optPackageInstaller(PackageInstaller.none())
        .build();

    DatasetUnavailableException e =
        assertThrows(DatasetUnavailableException.class, () -> locator.locate("fashion-mnist"));

    assertTrue(e.getMessage().startsWith(
        "fashion-mnist: not found in " + own + " and download failed (no network? "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("t10k-labels-idx1-ubyte.gz in " + own
        + "/ (or apt install dataset-fashion-mnist)"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void noPackageIsInstalledWhenSystemFoldersAreOff() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    List<String> installed = new ArrayList<>();
    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir)
        .optMirror("http://127.0.0.1:" + closedPort).optSystemDirs(false)
        .optPackageInstaller((pkg, why) -> installed.add(pkg))
        .build();

    assertThrows(DatasetUnavailableException.class, () -> locator.locate("fashion-mnist"));
    assertEquals(List.of(), installed);
  }

  @Test
  void http404IsADownloadFailure() throws Exception {
    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir).optMirror(base())
        .build();

    DatasetUnavailableException e =
        assertThrows(DatasetUnavailableException.class, () -> locator.locate("cifar100"));

    assertTrue(e.getMessage().contains("cifar-100-binary.tar.gz: HTTP 404"), e.getMessage());
  }

  @Test
  void downloadsOnlyMissingIdxFiles() throws Exception {
    // Arrange: three of four files on disk, the fourth on the server
    IdxFiles.writeSet(work.resolve("set"), 6, 4, true);
    Path own = Files.createDirectories(dataDir.resolve("mnist"));
    for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz")) {
      Files.copy(work.resolve("set").resolve(f), own.resolve(f));
    }
    Path missing = work.resolve("set/t10k-labels-idx1-ubyte.gz");
    served.put("/files/t10k-labels-idx1-ubyte.gz", Files.readAllBytes(missing));
    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir)
        .optBaseUrl("mnist", base() + "/files/")
        .optChecksum("t10k-labels-idx1-ubyte.gz", Checksums.md5(missing))
        .build();

    // Act
    DataSplit split = Datasets.load("mnist", locator);

    // Assert
    assertEquals(List.of("/files/t10k-labels-idx1-ubyte.gz"), requested);
    assertEquals(4, split.test().size());
    assertEquals(3, split.test().label(1));
  }

  @Test
  void archiveInDataDirIsExtractedWithoutNetwork() throws Exception {
    byte[] archive = cifar10Archive();
    Path own = Files.createDirectories(dataDir.resolve("cifar10"));
    Path file = Files.write(own.resolve("cifar-10-binary.tar.gz"), archive);
    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir).optDownload(false)
        .optChecksum("cifar-10-binary.tar.gz", Checksums.md5(file)).build();

    LocatedDataset found = locator.find("cifar10").orElseThrow();

    assertEquals(LocatedDataset.Origin.DATA_DIR, found.origin());
    assertEquals(6, found.files().size());
    assertTrue(requested.isEmpty());
  }

  @Test
  void extractedFilesDirectlyInDataDirAreFound() throws Exception {
    Path own = Files.createDirectories(dataDir.resolve("cifar100"));
    Files.write(own.resolve("train.bin"), CifarFiles.batch(2, 0, 1, 2, 3));
    Files.write(own.resolve("test.bin"), CifarFiles.batch(2, 0, 99));

    DataSplit split = Datasets.load("cifar100", dataDir);

    assertEquals(3, split.train().size());
    assertEquals(99, split.test().label(0));
    assertEquals("class99", split.test().classNames().get(99));
  }

  @Test
  void downloadsOffSaysWhereToPutFiles() {
    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir).optDownload(false)
        .build();

    DatasetUnavailableException e =
        assertThrows(DatasetUnavailableException.class, () -> locator.locate("mnist"));

    assertTrue(e.getMessage().startsWith("mnist: not found in " + dataDir.resolve("mnist")
        + " and downloads are off: put train-images-idx3-ubyte.gz"), e.getMessage());
  }

  @Test
  void folderThatDoesNotExist() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DatasetLocator.defaults().find("folder:" + work.resolve("nope")));

    assertEquals("folder:" + work.resolve("nope") + ": " + work.resolve("nope")
        + " is not a folder", e.getMessage());
  }
}
