package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataInfoCommandTest {

  @TempDir Path dir;

  @Test
  void fashionMnistSizesShapeAndClassCounts() {
    assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
        "dataset-fashion-mnist is not installed");

    DataFetchCommandTest.Run r =
        DataFetchCommandTest.run("data", "info", "fashion-mnist", "--data-dir", dir.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains(
        "train 60000 images, test 10000 images, shape 1x28x28 (CxHxW), 10 classes\n"), r.out());
    assertTrue(r.out().contains("normalisation: mean [0.2860] std [0.3530]\n"), r.out());
    assertTrue(r.out().matches("(?s).*\n +9 +Ankle boot +6000 +1000\n.*"), r.out());
  }

  @Test
  void imageFolderWithSizeAndGrayscale() throws Exception {
    for (String cls : List.of("cats", "dogs")) {
      for (int i = 0; i < 5; i++) {
        Path f = Files.createDirectories(dir.resolve("pets").resolve(cls)).resolve(i + ".png");
        BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, Color.WHITE.getRGB());
        ImageIO.write(img, "png", f.toFile());
      }
    }

    DataFetchCommandTest.Run r = DataFetchCommandTest.run("data", "info",
        "folder:" + dir.resolve("pets"), "--size", "16", "--grayscale");

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains(
        "train 8 images, test 2 images, shape 1x16x16 (CxHxW), 2 classes\n"), r.out());
    assertTrue(r.out().matches("(?s).*\n +1 +dogs +4 +1\n.*"), r.out());
  }

  @Test
  void corruptFileIsInvalidInputNamingTheFile() throws Exception {
    Path own = Files.createDirectories(dir.resolve("cifar10"));
    for (String f : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
        "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin")) {
      Files.write(own.resolve(f), new byte[3073]);
    }
    Files.write(own.resolve("data_batch_4.bin"), new byte[3000]);

    DataFetchCommandTest.Run r =
        DataFetchCommandTest.run("data", "info", "cifar10", "--data-dir", dir.toString());

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals(List.of("fedge: data_batch_4.bin: truncated or not CIFAR: 3000 bytes is not a"
        + " whole number of 3073-byte records"), r.errLines());
  }
}
