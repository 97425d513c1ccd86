package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnsibleFormatTest {

  @Test
  void linesLookLikeAnsibles() {
    assertEquals("rpi6404 | SUCCESS => {\"ping\": \"pong\"}",
        AnsibleFormat.success("rpi6404", Map.of("ping", "pong")));
    assertEquals("w01 | UNREACHABLE! => {\"msg\": \"connect failed: \\\"x\\\"\","
        + " \"unreachable\": true}", AnsibleFormat.unreachable("w01", "connect failed: \"x\""));
    assertEquals("w01 | FAILED! => {\"msg\": \"boom\"}", AnsibleFormat.failed("w01", "boom"));
    assertEquals("rpi6404 | OK => 0 files copied, 42 unchanged, 0 B sent (0 bytes)",
        AnsibleFormat.line("rpi6404", "OK", new DeployReport(0, 42, 0).summary()));
  }

  @Test
  void shellResultShowsRcAndOutput() {
    assertEquals("a | CHANGED | rc=0 >>\nhello",
        AnsibleFormat.shell("a", new CommandResult(0, "hello\n", "")));
    assertEquals("a | FAILED | rc=2 >>\nout\nerr",
        AnsibleFormat.shell("a", new CommandResult(2, "out", "err\n")));
    assertEquals("a | CHANGED | rc=0 >>", AnsibleFormat.shell("a", new CommandResult(0, "", "")));
  }

  @Test
  void jsonEscapesAndNests() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "tab\tquote\"back\\slash\u0001");
    m.put("n", 3);
    m.put("d", Double.NaN);
    m.put("l", List.of(1.5, true));
    m.put("z", null);

    assertEquals("{\"s\": \"tab\\tquote\\\"back\\\\slash\\u0001\", \"n\": 3, \"d\": null,"
        + " \"l\": [1.5, true], \"z\": null}", AnsibleFormat.json(m));
  }
}
