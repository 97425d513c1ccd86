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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

  private static final List<String> TEN =
      List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"", ".gz"})
  void readsImagesAndLabels(String ext) throws Exception {
    // Arrange
    byte[] px = IdxFiles.pattern(5, 12);
    Path images = IdxFiles.write(dir.resolve("img" + ext), IdxFiles.images(5, 4, 3, px));
    Path labels = IdxFiles.write(dir.resolve("lab" + ext), IdxFiles.labels(3, 1, 4, 1, 5));

    // Act
    ImageDataset ds = IdxReader.read("t", images, labels, TEN, Normalization.unit(1));

    // Assert
    assertEquals(5, ds.size());
    assertEquals(1, ds.channels());
    assertEquals(4, ds.height());
    assertEquals(3, ds.width());
    assertArrayEquals(new int[] {3, 1, 4, 1, 5}, ds.labels());
    assertEquals((2 * 31 + 7) & 0xff, ds.rawPixel(2, 7));
    assertEquals(px[4 * 12 + 11] & 0xff, ds.rawPixel(4, 11));
  }

  @Test
  void wrongMagicNamesFileAndMagic() throws Exception {
    Path labels = IdxFiles.write(dir.resolve("x-labels"), IdxFiles.labels(1, 2));

    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxReader.readImages(labels));

    assertEquals("x-labels: wrong magic 0x00000801, expected 0x00000803 (IDX images)",
        e.getMessage());
  }

  @Test
  void truncatedImagesSayHowManyBytes() throws Exception {
    byte[] full = IdxFiles.images(100, 28, 28, new byte[100 * 784]);
    Path images = IdxFiles.write(
        dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(full, 16 + 1000));

    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxReader.readImages(images));

    assertEquals("train-images-idx3-ubyte.gz: truncated: expected 78400 pixel bytes, got 1000",
        e.getMessage());
  }

  @Test
  void cutGzipStreamIsTruncation() throws Exception {
    Path whole = IdxFiles.write(
        dir.resolve("whole.gz"), IdxFiles.images(50, 28, 28, IdxFiles.pattern(50, 784)));
    byte[] gz = Files.readAllBytes(whole);
    Path cut = dir.resolve("cut.gz");
    Files.write(cut, Arrays.copyOf(gz, gz.length / 2));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(cut));

    assertEquals(true, e.getMessage().startsWith("cut.gz: "), e.getMessage());
  }

  @Test
  void countMismatchNamesBothFiles() throws Exception {
    Path images = IdxFiles.write(dir.resolve("im"), IdxFiles.images(3, 2, 2, new byte[12]));
    Path labels = IdxFiles.write(dir.resolve("lb"), IdxFiles.labels(1, 2));

    DataFormatException e = assertThrows(DataFormatException.class,
        () -> IdxReader.read("t", images, labels, TEN, Normalization.unit(1)));

    assertEquals("lb: 2 labels but im has 3 images", e.getMessage());
  }

  @Test
  void labelOutOfRange() throws Exception {
    Path labels = IdxFiles.write(dir.resolve("lb.gz"), IdxFiles.labels(1, 2, 12));

    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxReader.readLabels(labels, 10));

    assertEquals("lb.gz: label 12 of item 2 is outside [0, 10)", e.getMessage());
  }

  @Test
  void emptyFileHasNoHeader() throws Exception {
    Path empty = Files.write(dir.resolve("empty"), new byte[0]);

    DataFormatException e =
        assertThrows(DataFormatException.class, () -> IdxReader.readLabels(empty, 10));

    assertEquals("empty: truncated: 0 bytes, no IDX header", e.getMessage());
  }
}
