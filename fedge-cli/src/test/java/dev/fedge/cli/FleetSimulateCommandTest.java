package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge simulate --fleet FILE}: device classes, their availability and their data share. */
class FleetSimulateCommandTest {

  @Test
  void onlyOnlineDevicesAreSampled_andFleetCsvSaysWhatEachClassGave(@TempDir Path dir)
      throws Exception {
    // 4 clients x 300 images x 2 epochs: 0.6 virtual s a task at speed 1, 6 s at speed 0.1.
    // pi devices: on 5 s, off 5 s; the second starts half a period late. Round 1 (t=0): pi 0 on,
    // pi 1 off; round 2 (t=6): pi 0 off, pi 1 on; round 3 (t=12): pi 0 on again.
    Path fleet = Files.writeString(dir.resolve("fleet.yaml"), String.join("\n",
        "classes:",
        "  - {name: desktop, count: 2, speed: 1, memory: 16GiB}",
        "  - {name: pi, count: 2, speed: 0.1, memory: 1GiB, availability: {on: 5s, off: 5s}}",
        ""));

    CliRun run = CliRun.of("simulate", "--fleet", fleet.toString(), "--rounds", "3",
        "--train-limit", "1200", "--test-limit", "200", "--out", dir.resolve("r").toString());

    assertEquals(0, run.code(), run.err());
    List<String> timeline = Files.readAllLines(dir.resolve("r/timeline.csv"));
    // steps: who was sampled (only the online devices) and each one's local steps
    assertEquals(List.of("1,6.000,20,20,client-000:20 client-001:20 client-002:20",
        "2,12.000,20,20,client-000:20 client-001:20 client-003:20",
        "3,18.000,20,20,client-000:20 client-001:20 client-002:20"),
        timeline.subList(1, 4).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).toList());
    List<String> csv = Files.readAllLines(dir.resolve("r/fleet.csv"));
    assertEquals(List.of(
        "class,devices,speed,images,selected,updates,images_in_model,data_share",
        "desktop,2,1.00000,600,6,6,600,1.0000",
        "pi,2,0.100000,600,3,3,600,1.0000"), csv);
    assertTrue(run.out().contains("fleet: desktop 6/6 updates, 100% of its data in the model; "
        + "pi 3/3 updates, 100% of its data in the model"), run.out());
    // the run folder's settings hold the fleet itself, not the file's name
    String config = Files.readString(dir.resolve("r/config.yaml"));
    assertTrue(config.contains("availability") && !config.contains("fleet.yaml"), config);
  }

  @Test
  void badFleetUsesGetOneLine(@TempDir Path dir) throws Exception {
    Path fleet = Files.writeString(dir.resolve("fleet.yaml"),
        "classes:\n  - {name: pi, count: 2, speed: 0.1, availability: {on: 5s, off: 5s}}\n");
    String[][] cases = {
      {"--fleet", dir.resolve("none.yaml").toString()},
      {"--fleet", fleet.toString(), "--client-speeds", "1,2"},
      {"--fleet", fleet.toString(), "--clients", "5"},
      {"--fleet", fleet.toString(), "--strategy", "fedbuff"},
    };
    String[] says = {"fleet file not found", "client-speeds: the fleet sets the speeds",
        "clients: the fleet has 2 devices", "availability periods are simulated for synchronous"};
    for (int k = 0; k < cases.length; k++) {
      String[] args = new String[cases[k].length + 5];
      args[0] = "simulate";
      System.arraycopy(cases[k], 0, args, 1, cases[k].length);
      System.arraycopy(new String[] {"--train-limit", "200", "--out",
          dir.resolve("x" + k).toString()}, 0, args, cases[k].length + 1, 4);
      CliRun run = CliRun.of(args);
      String what = String.join(" ", cases[k]);
      assertEquals(2, run.code(), what + " -> " + run.err() + run.out());
      assertTrue(run.errLines() <= 2, what + " printed: " + run.err());
      assertTrue(run.err().contains(says[k]), what + " printed: " + run.err());
      assertTrue(!run.err().contains("\tat "), what + " printed a stack trace: " + run.err());
    }
  }
}
