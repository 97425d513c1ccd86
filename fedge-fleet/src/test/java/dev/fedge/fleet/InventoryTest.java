package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InventoryTest {

  static final Inventory INV = InventoryParser.parse("hosts.ini",
      InventoryParserTest.ISSUE_EXAMPLE.lines().toList());

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|localhost w01 tx2_01 rpi6404 rpi6405",
      "all|localhost w01 tx2_01 rpi6404 rpi6405",
      "rpi|rpi6404 rpi6405",
      "rpi6404|rpi6404",
      "rpi,jetson|tx2_01 rpi6404 rpi6405",
      "jetson:rpi|tx2_01 rpi6404 rpi6405",
      "w01,rpi6405|w01 rpi6405",
      "rpi,!rpi6405|rpi6404",
      "!rpi|localhost w01 tx2_01",
      "all,&rpi|rpi6404 rpi6405",
      "rpi64*|rpi6404 rpi6405",
      "~^w\\d+$|w01",
      "~tx2_.*|tx2_01",
  })
  void limitSelectsLikeAnsible(String pattern, String expected) {
    List<Host> selected = INV.select(pattern);

    assertEquals(List.of(expected.split(" ")), selected.stream().map(Host::name).toList());
  }

  @Test
  void unknownNameInLimitIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> INV.select("rpi,nosuchhost"));

    assertEquals("--limit 'rpi,nosuchhost': 'nosuchhost' matches no host or group in hosts.ini",
        e.getMessage());
  }

  @Test
  void limitThatSelectsNothingIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> INV.select("rpi,&jetson"));

    assertTrue(e.getMessage().contains("selects no host"), e.getMessage());
  }

  @Test
  void duplicateHostIsRejected() {
    Host a = Host.of("a", Map.of());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Inventory("x.ini", List.of(a, a), Map.of()));

    assertEquals("host 'a' is listed twice in x.ini", e.getMessage());
  }
}
