package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.data.partition.Partition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPartitionCommandTest {

  @TempDir Path dir;

  private void cifar100(int records) throws Exception {
    Path own = Files.createDirectories(dir.resolve("cifar100"));
    byte[] train = new byte[records * 3074];
    for (int i = 0; i < records; i++) {
      train[i * 3074 + 1] = (byte) (i % 4); // fine labels 0..3
    }
    Files.write(own.resolve("train.bin"), train);
    Files.write(own.resolve("test.bin"), new byte[3074]);
  }

  @Test
  void showsHistogramsAndSavesJson() throws Exception {
    cifar100(40);
    Path out = dir.resolve("p.json");

    DataFetchCommandTest.Run r = DataFetchCommandTest.run("data", "partition", "cifar100",
        "--data-dir", dir.toString(), "--clients", "4", "--partition", "shards:1",
        "--seed", "3", "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    Partition p = Partition.load(out);
    assertEquals(4, p.numClients());
    assertEquals(40, p.size());
    assertTrue(r.out().startsWith(p.render()), r.out());
    assertTrue(r.out().contains("shards:1 over 4 clients, seed 3: mean label entropy 0.00 bits"),
        r.out());
  }

  @Test
  void badPartitionSpecIsInvalidInput() throws Exception {
    cifar100(4);

    DataFetchCommandTest.Run r = DataFetchCommandTest.run("data", "partition", "cifar100",
        "--data-dir", dir.toString(), "--clients", "2", "--partition", "dirichlet:0");

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals(List.of("fedge: partition: alpha must be a finite number > 0, got 0.0 in"
        + " 'dirichlet:0.0'"), r.errLines());
  }

  @Test
  void moreClientsThanSamples() throws Exception {
    cifar100(4);

    DataFetchCommandTest.Run r = DataFetchCommandTest.run("data", "partition", "cifar100",
        "--data-dir", dir.toString(), "--clients", "5");

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals(List.of("fedge: iid: 5 clients but only 4 samples"), r.errLines());
  }
}
