package dev.fedge.server.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WidthsTest {

  @Test
  void aListIsGivenInTurn_noneTakesNoPart_andTheRunsWidthsAreDistinctWidestFirst() {
    Widths w = Widths.parse("0.25, 1,none,0.5");
    assertEquals(List.of(0.25, 1.0, 0.0, 0.5, 0.25), List.of(w.inTurn(0), w.inTurn(1),
        w.inTurn(2), w.inTurn(3), w.inTurn(4)));
    assertEquals(List.of(1.0, 0.5, 0.25), w.distinct());
    assertEquals("0.25,1,none,0.5", w.text());
    assertTrue(Widths.parse("AUTO").auto());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Widths.parse("0,abc"));
    assertEquals("widths: expected auto, or widths in (0, 1] (or none) separated by commas, got "
        + "'0' in '0,abc'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Widths.parse("1,"));
    assertThrows(IllegalArgumentException.class, () -> Widths.parse("none,none"));
  }

  @Test
  void autoFitsTheMemoryEstimateAndHalvesTheWidthForEachFactorFourOfSlowness() {
    // resnet18's parameter counts at 1, 1/2, 1/4 (1x28x28, 10 classes)
    Map<Double, Long> resnet = Map.of(1.0, 11_172_810L, 0.5, 2_797_034L, 0.25, 701_178L);
    long gib = 1L << 30;
    // memory alone: full resnet18 needs 360 MiB + 24 B x 11.2M = 616 MiB, over half of 1 GiB
    assertEquals(0.5, Widths.auto(gib, 1, 1, resnet::get));
    assertEquals(1.0, Widths.auto(4 * gib, 1, 1, resnet::get));
    assertEquals(1.0, Widths.auto(0, 1, 1, resnet::get), "unknown memory: no limit");
    // 700 MiB holds no width (even 1/4 needs 376 MiB, over 350)
    assertEquals(0.0, Widths.auto(700L << 20, 1, 1, resnet::get));
    // speed: the drawer's desktop 20, Jetson 2 (10x slower: one halving), Pi 0.25 (80x: 1/4)
    assertEquals(1.0, Widths.auto(12 * gib, 20, 20, resnet::get));
    assertEquals(0.5, Widths.auto(4 * gib, 2, 20, resnet::get));
    assertEquals(0.25, Widths.auto(4 * gib, 0.25, 20, resnet::get));
    assertEquals(0.5, Widths.auto(4 * gib, 5, 20, resnet::get), "exactly 4x slower");
  }
}
