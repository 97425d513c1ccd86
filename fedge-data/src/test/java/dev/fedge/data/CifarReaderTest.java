package dev.fedge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {

  @TempDir Path dir;

  @Test
  void readsCifar10BatchesInOrder() throws Exception {
    Path b1 = Files.write(dir.resolve("data_batch_1.bin"), CifarFiles.batch(1, 0, 3, 9));
    Path b2 = Files.write(dir.resolve("data_batch_2.bin"), CifarFiles.batch(1, 100, 0));

    ImageDataset ds = CifarReader.read("c", List.of(b1, b2), 1, Catalog.CIFAR10.classNames(),
        Catalog.CIFAR10.normalization());

    assertEquals(3, ds.size());
    assertEquals(3, ds.channels());
    assertEquals(32, ds.height());
    assertArrayEquals(new int[] {3, 9, 0}, ds.labels());
    assertEquals((1 + 5 * 7) & 0xff, ds.rawPixel(1, 5));
    assertEquals((100 + 3071 * 7) & 0xff, ds.rawPixel(2, 3071));
  }

  @Test
  void cifar100UsesFineLabel() throws Exception {
    Path b = Files.write(dir.resolve("train.bin"), CifarFiles.batch(2, 0, 42, 99, 7));

    ImageDataset ds = CifarReader.read("c", List.of(b), 2, Catalog.CIFAR100.classNames(),
        Catalog.CIFAR100.normalization());

    assertArrayEquals(new int[] {42, 99, 7}, ds.labels());
    assertEquals(100, ds.numClasses());
    assertEquals(7 & 0xff, ds.rawPixel(0, 1));
  }

  @Test
  void truncatedBatchNamesFileAndRecordSize() throws Exception {
    byte[] full = CifarFiles.batch(1, 0, 1, 2);
    Path b = Files.write(dir.resolve("data_batch_3.bin"), Arrays.copyOf(full, full.length - 10));

    DataFormatException e = assertThrows(DataFormatException.class, () -> CifarReader.read(
        "c", List.of(b), 1, Catalog.CIFAR10.classNames(), Catalog.CIFAR10.normalization()));

    assertEquals("data_batch_3.bin: truncated or not CIFAR: 6136 bytes is not a whole number of"
        + " 3073-byte records", e.getMessage());
  }

  @Test
  void labelOutOfRangeNamesRecord() throws Exception {
    Path b = Files.write(dir.resolve("test_batch.bin"), CifarFiles.batch(1, 0, 1, 2, 10));

    DataFormatException e = assertThrows(DataFormatException.class, () -> CifarReader.read(
        "c", List.of(b), 1, Catalog.CIFAR10.classNames(), Catalog.CIFAR10.normalization()));

    assertEquals("test_batch.bin: label 10 of record 2 is outside [0, 10)", e.getMessage());
  }

  @Test
  void classNamesFileSkipsBlankLines() throws Exception {
    Path f = Files.writeString(dir.resolve("batches.meta.txt"),
        "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");

    assertEquals("truck", CifarReader.readClassNames(f, 10).get(9));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> CifarReader.readClassNames(f, 100));
    assertEquals("batches.meta.txt: expected 100 class names, got 10", e.getMessage());
  }
}
