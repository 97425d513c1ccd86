package dev.fedge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

  @TempDir Path dataDir;

  @Test
  void fashionMnistFromDataDirComesFirst() throws Exception {
    IdxFiles.writeSet(dataDir.resolve("fashion-mnist"), 20, 7, true);

    DataSplit split = Datasets.load("fashion-mnist", dataDir);

    assertEquals(20, split.train().size());
    assertEquals(7, split.test().size());
    assertEquals("Ankle boot", split.train().classNames().get(9));
    assertEquals("fashion-mnist/train", split.train().name());
    assertArrayEquals(new float[] {0.2860f}, split.train().normalization().mean());
    assertArrayEquals(new float[] {0.3530f}, split.train().normalization().std());
  }

  @Test
  void mnistReadsUncompressedFiles() throws Exception {
    IdxFiles.writeSet(dataDir.resolve("mnist"), 10, 5, false);

    DataSplit split = Datasets.load("mnist", dataDir);

    assertEquals(10, split.train().size());
    assertArrayEquals(new float[] {0.1307f}, split.test().normalization().mean());
    assertEquals("7", split.test().classNames().get(7));
  }

  @Test
  void fashionMnistFromDebianPackage() throws Exception {
    assumeTrue(Files.isDirectory(Path.of(Catalog.DEBIAN_FASHION_MNIST)),
        "dataset-fashion-mnist is not installed");

    DatasetLocator locator = DatasetLocator.builder().optDataDir(dataDir).optDownload(false)
        .build();
    DataSplit split = Datasets.load("fashion-mnist", locator);

    assertEquals(60000, split.train().size());
    assertEquals(10000, split.test().size());
    assertEquals(28, split.train().height());
    assertEquals(28, split.train().width());
    for (int count : split.train().classCounts()) {
      assertEquals(6000, count);
    }
    for (int count : split.test().classCounts()) {
      assertEquals(1000, count);
    }
  }

  @Test
  void unknownNameListsKnownNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Datasets.load("imagenet", dataDir));

    assertEquals("unknown data set 'imagenet': known names are fashion-mnist, mnist, cifar10,"
        + " cifar100, folder:<path>", e.getMessage());
  }
}
