package dev.fedge.cli;

import static dev.fedge.cli.FleetTestSshd.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fedge.cli.FleetTestSshd.Result;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet facts} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetFactsCommandTest {

  @TempDir static Path tmp;
  static FleetTestSshd sshd;
  static Path inventory;

  @BeforeAll
  static void start() throws Exception {
    sshd = FleetTestSshd.start(tmp.resolve("sshd"));
    inventory = sshd.inventory();
  }

  @AfterAll
  static void stop() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void tableHasAHeaderARowPerHostAndTheUnreachableAfter() {
    Result r = run("fleet", "facts", "-i", inventory.toString(),
        "--known-hosts", sshd.knownHosts.toString());

    assertEquals(3, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(0).matches("HOST +CLASS +ARCH +OS +CORES +MEM +MEM FREE +TEMP +LOAD"
        + " +DISK FREE +ACCELERATOR"), lines.get(0));
    assertTrue(lines.get(1).startsWith("good  "), lines.get(1));
    assertTrue(lines.get(1).contains(" GiB "), lines.get(1));
    assertTrue(lines.get(2).startsWith("dead | UNREACHABLE! => "), lines.get(2));
  }

  @Test
  void jsonIsOneObjectByHost() throws Exception {
    Result r = run("fleet", "facts", "--json", "-i", inventory.toString(), "-l", "good",
        "--known-hosts", sshd.knownHosts.toString());

    assertEquals(0, r.code(), r.err());
    JsonNode good = new ObjectMapper().readTree(r.out()).get("good");
    assertTrue(List.of("raspberry-pi", "jetson", "gpu-desktop", "mac", "generic")
        .contains(good.get("device_class").asText()), good.toString());
    assertTrue(good.get("cores").asInt() >= 1, good.toString());
    assertTrue(good.get("mem_total_bytes").asLong() > good.get("mem_available_bytes").asLong());
    JsonNode temp = good.get("cpu_temperature_c");
    assertTrue(temp.isNumber() || temp.asText().equals("n/a"), temp.toString());
    assertEquals(3, good.get("load").size());
    assertTrue(good.get("disk_free_bytes").asLong() > 0);
  }
}
