package dev.fedge.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.partition.Partitioner;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDataTest {

  @TempDir Path dataDir;

  @Test
  void partition_givesTheSamePartAsSimulateForTheSameSeed() throws Exception {
    LocalData.Spec spec =
        new LocalData.Spec("fashion-mnist", dataDir, "shards:2", 3, 10, 42, 1000, 200);

    LocalData data = LocalData.load(spec);

    DataSplit all = Datasets.load("fashion-mnist", dataDir);
    int[] labels = all.train().head(1000).labels();
    int[] idx = Partitioner.parse("shards:2").partition(labels, 10, 10, 42).indices(3);
    int[] expected = Arrays.stream(idx).map(i -> labels[i]).toArray();
    assertArrayEquals(expected, data.train().labels());
    assertEquals(200, data.test().size());
    assertEquals(3, data.clientIndex());
    assertTrue(data.description().contains("part 3 of 10"), data.description());
  }

  @Test
  void withoutPartition_usesTheWholeDataSet() throws Exception {
    LocalData data =
        LocalData.load(new LocalData.Spec("fashion-mnist", dataDir, null, null, null, 1, 500, 100));

    assertEquals(500, data.train().size());
    assertEquals(0, data.clientIndex());
  }

  @Test
  void badCombinations_nameTheOptions() {
    IllegalArgumentException noIndex = assertThrows(IllegalArgumentException.class,
        () -> new LocalData.Spec("fashion-mnist", dataDir, "iid", null, 10, 1, 0, 0));
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> new LocalData.Spec("fashion-mnist", dataDir, "iid", 10, 10, 1, 0, 0));
    IllegalArgumentException noPartition = assertThrows(IllegalArgumentException.class,
        () -> new LocalData.Spec("fashion-mnist", dataDir, null, 1, 10, 1, 0, 0));
    IllegalArgumentException badPartition = assertThrows(IllegalArgumentException.class,
        () -> new LocalData.Spec("fashion-mnist", dataDir, "halves", 1, 10, 1, 0, 0));

    assertEquals("--partition iid needs --client-index and --of", noIndex.getMessage());
    assertEquals("--client-index must be in [0, 10), got 10", range.getMessage());
    assertEquals("--client-index and --of need --partition", noPartition.getMessage());
    assertTrue(badPartition.getMessage().contains("halves"), badPartition.getMessage());
  }

  @Test
  void unknownDataSet_isReported() {
    assertThrows(IllegalArgumentException.class, () -> LocalData.load(
        new LocalData.Spec("no-such-set", dataDir, null, null, null, 1, 0, 0)));
  }

  @Test
  void realLayout_byCamera_aDeviceWithoutCrossCameraMatchesHasNoRetrievalShare()
      throws Exception {
    // queries are all from camera 1, so only a device with camera 1 and another camera has a
    // valid query
    dev.fedge.data.reid.ReidFixtures.veri(dataDir.resolve("veri776"), 6, 3, 2, 4);
    for (int i = 0; i < 3; i++) {
      LocalData data = LocalData.load(
          new LocalData.Spec("veri776", dataDir, "camera", i, 3, 42, 0, 0));

      assertEquals(null, data.retrieval(), data.description());
      assertTrue(data.retrievalFor(42).isEmpty());
      assertTrue(data.description().contains("no retrieval evaluation here (queries and gallery "
          + "images of cameras ["), data.description());
    }
    LocalData whole = LocalData.load(
        new LocalData.Spec("veri776", dataDir, "camera", 0, 1, 42, 0, 10));
    // one device with all three cameras: all 4 queries valid; test-limit 10 keeps whole identities
    assertTrue(whole.retrieval() != null, whole.description());
    assertTrue(whole.retrieval().query().size() + whole.retrieval().gallery().size() <= 10,
        whole.description());
    assertTrue(whole.description().contains("test-limit"), whole.description());
  }
}
