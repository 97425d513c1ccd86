package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCommandTest {

  @TempDir Path dir;

  @Test
  void deviceGpu_withoutAGpu_isUnavailable_inOneLine() {
    CliRun r = CliRun.of("client", "--server", "127.0.0.1:1", "--device", "gpu");

    assertEquals(ExitException.UNAVAILABLE, r.code(), r.err());
    assertEquals("fedge: --device gpu: no CUDA GPU on this machine; training needs --device cpu"
        + " (or auto) here (see docs/DEVICES.md)", r.err().strip());
  }

  @Test
  void unknownDevice_isInvalidInput() {
    CliRun r = CliRun.of("client", "--server", "127.0.0.1:1", "--device", "tpu");

    assertEquals(ExitException.INVALID_INPUT, r.code(), r.err());
    assertEquals("fedge: --device: unknown device 'tpu' (known: auto, cpu, gpu)", r.err().strip());
  }

  @Test
  void missingServer_isInvalidInput() {
    CliRun r = CliRun.of("client");

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertTrue(r.err().contains("--server"), r.err());
  }

  @Test
  void serverWithoutPort_namesTheValue() {
    CliRun r = CliRun.of("client", "--server", "localhost");

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals("fedge: --server: expected host:port, got 'localhost'", r.err().strip());
  }

  @Test
  void partitionWithoutIndex_isInvalidInput() {
    CliRun r = CliRun.of("client", "--server", "127.0.0.1:1", "--partition", "shards:2");

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals("fedge: --partition shards:2 needs --client-index and --of", r.err().strip());
  }

  @Test
  void missingCaFile_isInvalidInput() {
    Path ca = dir.resolve("ca.pem");

    CliRun r = CliRun.of("client", "--server", "127.0.0.1:1", "--ca", ca.toString(),
        "--train-limit", "10", "--test-limit", "10", "--data-dir", dir.toString());

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals("fedge: --ca: file not found or not readable: " + ca, r.err().strip());
  }

  @Test
  void unknownDataSet_isInvalidInput() {
    CliRun r = CliRun.of("client", "--server", "127.0.0.1:1", "--dataset", "imagenet-9k",
        "--data-dir", dir.toString());

    assertEquals(ExitException.INVALID_INPUT, r.code(), r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains("imagenet-9k"), r.err());
  }
}
