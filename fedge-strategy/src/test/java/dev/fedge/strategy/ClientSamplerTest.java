package dev.fedge.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClientSamplerTest {

  private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

  @Test
  void sampleSize_isMaxOfMinAndCeilFraction_cappedAtAvailable() {
    assertEquals(3, ClientSampler.sampleSize(30, 0.1, 1)); // 0.1 * 30 is 3.0000000000000004
    assertEquals(4, ClientSampler.sampleSize(31, 0.1, 1)); // ceil(3.1)
    assertEquals(5, ClientSampler.sampleSize(30, 0.1, 5)); // minClients wins
    assertEquals(2, ClientSampler.sampleSize(2, 0.1, 5)); // capped at available
    assertEquals(0, ClientSampler.sampleSize(0, 0.5, 1));
    assertEquals(10, ClientSampler.sampleSize(10, 1.0, 1));
  }

  @Test
  void sampleSize_rejectsBadFraction() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClientSampler.sampleSize(10, 0, 1));
    assertEquals("fraction: must be in (0, 1], got 0.0", e.getMessage());
  }

  @Test
  void sample_sameSeedAndRound_sameClients() {
    List<Integer> a = ClientSampler.sample(HUNDRED, 0.1, 1, 42, 3);
    List<Integer> b = ClientSampler.sample(HUNDRED, 0.1, 1, 42, 3);

    assertEquals(a, b);
    assertEquals(10, a.size());
  }

  @Test
  void sample_differentRoundsOrSeeds_differentClients() {
    List<Integer> r1 = ClientSampler.sample(HUNDRED, 0.1, 1, 42, 1);
    List<Integer> r2 = ClientSampler.sample(HUNDRED, 0.1, 1, 42, 2);
    List<Integer> s43 = ClientSampler.sample(HUNDRED, 0.1, 1, 43, 1);

    assertNotEquals(r1, r2);
    assertNotEquals(r1, s43);
  }

  @Test
  void sample_isDistinctAndInAvailableOrder() {
    for (int round = 1; round <= 20; round++) {
      List<Integer> s = ClientSampler.sample(HUNDRED, 0.3, 1, 7, round);

      assertEquals(30, new HashSet<>(s).size());
      List<Integer> sorted = new ArrayList<>(s);
      sorted.sort(null);
      assertEquals(sorted, s);
    }
  }

  @Test
  void sample_coversEveryClientOverManyRounds() {
    // a uniform sampler reaches every client; a broken one (e.g. always the first k) does not
    HashSet<Integer> seen = new HashSet<>();
    for (int round = 1; round <= 200; round++) {
      seen.addAll(ClientSampler.sample(HUNDRED, 0.1, 1, 1, round));
    }

    assertEquals(100, seen.size());
  }

  @Test
  void sample_allWhenFractionIsOne() {
    assertEquals(HUNDRED, ClientSampler.sample(HUNDRED, 1.0, 1, 5, 9));
    assertTrue(ClientSampler.sample(List.of(), 0.5, 3, 5, 1).isEmpty());
  }

  @Test
  void sample_drawsTheSameClientsAsEver() {
    // golden values: a change here would change every past run's samples
    assertEquals(
        List.of(3, 43, 48, 65, 66, 84, 88, 89, 91, 95), ClientSampler.sample(HUNDRED, 0.1, 1, 42, 3));
    assertEquals(List.of(0, 51, 57, 66, 71), ClientSampler.sample(HUNDRED, 0.05, 1, 7, 1));
  }

  @Test
  void sampleWithACount_isTheSameDrawWithItsSizeGiven() {
    List<Integer> seven = ClientSampler.sample(HUNDRED, 7, 42, 3L);

    assertEquals(seven, ClientSampler.sample(HUNDRED, 7, 42, 3L));
    assertEquals(7, new HashSet<>(seven).size());
    assertNotEquals(seven, ClientSampler.sample(HUNDRED, 7, 42, 4L));
    assertEquals(ClientSampler.sample(HUNDRED, 0.1, 1, 42, 3), ClientSampler.sample(HUNDRED, 10, 42, 3L));
    assertEquals(List.of(), ClientSampler.sample(HUNDRED, 0, 42, 3L));
    assertEquals(HUNDRED, ClientSampler.sample(HUNDRED, 100, 42, 3L));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClientSampler.sample(HUNDRED, 101, 1, 1L));
    assertEquals("count: must be in [0, 100] (the clients available), got 101", e.getMessage());
  }

  @Test
  void mix_spreadsNeighbouringInputs() {
    assertNotEquals(ClientSampler.mix(0, 1), ClientSampler.mix(1, 0));
    assertNotEquals(ClientSampler.mix(0, 1), ClientSampler.mix(0, 2));
  }
}
