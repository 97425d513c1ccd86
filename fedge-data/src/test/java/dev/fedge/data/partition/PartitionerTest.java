package dev.fedge.data.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PartitionerTest {

  @Test
  void parsesTheThreeKinds() {
    assertInstanceOf(IidPartitioner.class, Partitioner.parse("iid"));
    assertEquals(0.5, ((DirichletPartitioner) Partitioner.parse("dirichlet:0.5")).alpha());
    assertEquals(2, ((ShardPartitioner) Partitioner.parse(" shards:2 ")).shardsPerClient());
    assertEquals("dirichlet:100", Partitioner.parse("dirichlet:100.0").spec());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "foo|partition: unknown partition 'foo'; expected iid, dirichlet:<alpha> (e.g. dirichlet:0.5)"
        + " or shards:<k> (e.g. shards:2)",
    "dirichlet:abc|partition: bad alpha 'abc' in 'dirichlet:abc': expected a number > 0",
    "dirichlet:0|partition: alpha must be a finite number > 0, got 0.0 in 'dirichlet:0.0'",
    "dirichlet:-1|partition: alpha must be a finite number > 0, got -1.0 in 'dirichlet:-1.0'",
    "dirichlet:NaN|partition: alpha must be a finite number > 0, got NaN in 'dirichlet:NaN'",
    "dirichlet|partition: 'dirichlet' needs an alpha, e.g. dirichlet:0.5",
    "shards:x|partition: bad shard count 'x' in 'shards:x': expected an integer >= 1",
    "shards:0|partition: shards per client must be >= 1, got 0 in 'shards:0'",
    "iid:2|partition: 'iid' takes no argument, got 'iid:2'",
  })
  void badSpecsGiveOneLine(String spec, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Partitioner.parse(spec));

    assertEquals(message, e.getMessage());
  }

  @Test
  void moreClientsThanSamples() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Partitioner.parse("iid").partition(new int[5], 1, 6, 0));

    assertEquals("iid: 6 clients but only 5 samples", e.getMessage());
  }

  @Test
  void labelOutOfRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Partitioner.parse("dirichlet:1").partition(new int[] {0, 3}, 3, 1, 0));

    assertEquals("dirichlet:1: label 3 of sample 1 is outside [0, 3)", e.getMessage());
  }
}
