package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code fedge fleet facts} against a real OpenSSH server on loopback. */
@Timeout(60)
class FleetFactsCommandTest {

  @RegisterExtension static final FleetSshd sshd = new FleetSshd();

  @Test
  void tableHasAHeaderARowPerHostAndTheUnreachableAfter() {
    CliRun r = sshd.fleet("facts");

    assertEquals(3, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(0).matches("HOST +CLASS +ARCH +OS +CORES +MEM +MEM FREE +TEMP +LOAD"
        + " +DISK FREE +ACCELERATOR +JAVA"), lines.get(0));
    assertTrue(lines.get(1).matches(".* \\d+[0-9._+]*$"), "a Java version last: " + lines.get(1));
    assertTrue(lines.get(1).startsWith("good  "), lines.get(1));
    assertTrue(lines.get(1).contains(" GiB "), lines.get(1));
    assertTrue(lines.get(2).startsWith("dead | UNREACHABLE! => "), lines.get(2));
  }

  @Test
  void jsonIsOneObjectByHost() throws Exception {
    CliRun r = sshd.fleet("facts", "--json", "-l", "good");

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
    assertTrue(good.get("java").asText().matches("\\d+.*"), good.toString());
  }

  @Test
  void aJavaCommandThatIsMissingIsReportedAsNone() throws Exception {
    CliRun r = sshd.fleet("facts", "--json", "-l", "good", "--java", "/nonexistent/bin/java");

    assertEquals(0, r.code(), r.err());
    assertEquals("none", new ObjectMapper().readTree(r.out()).get("good").get("java").asText());
  }
}
