package dev.fedge.server.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetProfileTest {

  private static final String DRAWER = String.join("\n",
      "# the lab's drawer",
      "classes:",
      "  - name: gpu-desktop",
      "    count: 1",
      "    speed: 20",
      "    memory: 12GiB",
      "  - name: jetson",
      "    count: 2",
      "    speed: 1.5",
      "    memory: 4GB",
      "  - name: rpi4",
      "    count: 4",
      "    speed: 0.25",
      "    memory: 1073741824",
      "    availability: {on: 20m, off: 10m}",
      "");

  @Test
  void readsTheClassesInOrder(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("fleet.yaml"), DRAWER);

    FleetProfile fleet = FleetProfile.read(f);

    assertEquals(7, fleet.size());
    assertEquals(List.of(20.0, 1.5, 1.5, 0.25, 0.25, 0.25, 0.25), fleet.speeds());
    assertEquals("gpu-desktop", fleet.classOf(0).name());
    assertEquals("jetson", fleet.classOf(2).name());
    assertEquals("rpi4", fleet.classOf(3).name());
    assertEquals(12L << 30, fleet.classOf(0).memoryBytes());
    assertEquals(4_000_000_000L, fleet.classOf(1).memoryBytes());
    assertEquals(1L << 30, fleet.classOf(6).memoryBytes());
    assertNull(fleet.classOf(0).availability());
    assertEquals(new FleetProfile.Availability(1200, 600), fleet.classOf(6).availability());
    assertTrue(fleet.hasAvailability());
  }

  @Test
  void devicesOfAClassAreStaggeredOverTheirPeriod(@TempDir Path dir) throws Exception {
    FleetProfile fleet = FleetProfile.read(Files.writeString(dir.resolve("f.yaml"), DRAWER));
    // rpi4: on 1200 s, off 600 s, period 1800 s; its 4 devices start 0, 450, 900, 1350 s late
    boolean[][] expected = {
      // t = 0: phases 0, 450, 900 are within the first 1200 s; 1350 is not
      {true, true, true, false},
      // t = 500: 500, 950, 1400, 1850 % 1800 = 50
      {true, true, false, true},
    };
    double[] times = {0, 500};
    for (int k = 0; k < times.length; k++) {
      for (int j = 0; j < 4; j++) {
        assertEquals(expected[k][j], fleet.available(3 + j, times[k]), "rpi " + j + " at " + times[k]);
      }
    }
    for (double t = 0; t < 10_000; t += 77) {
      assertTrue(fleet.available(0, t), "the desktop is always on");
    }
  }

  @Test
  void whenNobodyIsOnlineTheNextRoundWaitsForTheFirstToComeBack() {
    FleetProfile one = new FleetProfile(List.of(new FleetProfile.DeviceClass(
        "pi", 1, 1, 0, new FleetProfile.Availability(1, 9))));

    assertEquals(0.5, one.nextAvailable(0.5), 1e-12);
    assertFalse(one.available(0, 1.2));
    assertEquals(10, one.nextAvailable(1.2), 1e-9);
    assertEquals(20, one.nextAvailable(13), 1e-9);
  }

  @Test
  void writesYamlThatReadsBackToTheSameFleet(@TempDir Path dir) throws Exception {
    FleetProfile fleet = FleetProfile.read(Files.writeString(dir.resolve("f.yaml"), DRAWER));

    Path out = Files.writeString(dir.resolve("back.yaml"),
        fleet.toYaml(List.of("exported by a test")));

    assertEquals(fleet, FleetProfile.read(out));
    assertEquals(fleet, FleetProfile.from(fleet.toMap()));
    assertTrue(Files.readString(out).startsWith("# exported by a test\nclasses:\n"));
  }

  @Test
  void badFleetsGetOneLineNamingWhatIsWrong(@TempDir Path dir) throws Exception {
    Map<String, String> cases = Map.of(
        "classes:\n  - {name: pi, count: 0, speed: 1}\n", "class 'pi': count must be >= 1",
        "classes:\n  - {name: pi, count: 2, speed: -1}\n", "class 'pi': speed must be > 0",
        "classes:\n  - {name: pi, speed: 1, memory: lots}\n", "class 'pi': memory must be a size",
        "classes:\n  - {name: pi, speed: 1, colour: red}\n", "class 'pi': unknown key 'colour'",
        "classes:\n  - {name: pi, speed: 1}\n  - {name: pi, speed: 2}\n", "'pi' is listed twice",
        "classes:\n  - {name: pi, speed: 1, availability: {on: soon}}\n",
            "class 'pi': availability.on: expected a positive duration",
        "devices: 3\n", "expected 'classes:'",
        "classes: [\n", "not valid YAML",
        "classes: []\n", "at least one device class");
    int n = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path f = Files.writeString(dir.resolve("bad" + n++ + ".yaml"), c.getKey());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> FleetProfile.read(f), c.getKey());
      assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> FleetProfile.read(dir.resolve("none.yaml")));
    assertEquals("fleet file not found: " + dir.resolve("none.yaml"), missing.getMessage());
  }

  @Test
  void aFleetSetsTheRunsClientsAndSpeeds_andRefusesDisagreeingOnes(@TempDir Path dir)
      throws Exception {
    Path f = Files.writeString(dir.resolve("f.yaml"), DRAWER);

    RunSettings s = RunSettingsBinder.bind(RunSettingsBinder.Use.SIMULATE,
        Map.of("fleet", f.toString()));

    assertEquals(7, s.clients());
    assertEquals(List.of(20.0, 1.5, 1.5, 0.25, 0.25, 0.25, 0.25), s.clientSpeeds());
    assertEquals(FleetProfile.read(f), s.fleet());
    // the run's stored settings bind back to the same run (resume)
    assertEquals(s, RunSettingsBinder.bind(RunSettingsBinder.Use.SIMULATE,
        s.toMap(RunSettingsBinder.Use.SIMULATE)));
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> RunSettingsBinder.bind(RunSettingsBinder.Use.SIMULATE,
            Map.of("fleet", f.toString(), "client-speeds", "1,0.5")));
    assertTrue(both.getMessage().startsWith("client-speeds: the fleet sets the speeds"),
        both.getMessage());
    IllegalArgumentException clients = assertThrows(IllegalArgumentException.class,
        () -> RunSettingsBinder.bind(RunSettingsBinder.Use.SIMULATE,
            Map.of("fleet", f.toString(), "clients", "10")));
    assertTrue(clients.getMessage().startsWith("clients: the fleet has 7 devices"),
        clients.getMessage());
    assertEquals(7, RunSettingsBinder.bind(RunSettingsBinder.Use.SIMULATE,
        Map.of("fleet", f.toString(), "clients", "7")).clients());
  }
}
