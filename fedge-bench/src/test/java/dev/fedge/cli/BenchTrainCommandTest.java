package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchTrainCommandTest {

  @Test
  void measuresThroughputPerBatchSizeOnFashionMnist() {
    CliRun run =
        CliRun.of(
            "bench",
            "train",
            "--images",
            "192",
            "--batch-sizes",
            "32,64",
            "--repeats",
            "1",
            "--threads",
            "1",
            "--rss-rounds",
            "6");

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("model cnn (1,663,370 parameters)"), run.out());
    assertTrue(run.out().contains("192 images 1x28x28"), run.out());
    assertTrue(run.out().matches("(?s).*\\n\\| 32 \\| [0-9,]+ \\| [0-9,]+ \\|.*"), run.out());
    assertTrue(run.out().matches("(?s).*\\n\\| 64 \\| [0-9,]+ \\| [0-9,]+ \\|.*"), run.out());
    assertTrue(run.out().contains("RSS over 6 rounds"), run.out());
  }

  @Test
  void unknownModelIsInvalidInputOnOneLine() {
    CliRun run = CliRun.of("bench", "train", "--model", "vgg", "--images", "10");

    assertEquals(ExitException.INVALID_INPUT, run.code());
    assertEquals(1, run.errLines(), run.err());
    assertTrue(run.err().contains("'vgg'"), run.err());
  }

  @Test
  void badBatchSizeIsInvalidInput() {
    CliRun run = CliRun.of("bench", "train", "--batch-sizes", "32,0");

    assertEquals(ExitException.INVALID_INPUT, run.code());
    assertTrue(run.err().contains("--batch-sizes"), run.err());
    assertTrue(run.err().contains("0"), run.err());
  }
}
