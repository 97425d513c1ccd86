package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InventoryParserTest {

  /** The inventory of issue 5, unchanged. */
  static final String ISSUE_EXAMPLE = """
      [mac]
        localhost ansible_host=localhost  ansible_port=22  dtap=dev comment="Host server"

      [server]
        w01 ansible_host=gpu.example.org  ansible_port=39021 dtap=dev comment="w01, GPU GTX 1080, ubuntu"

      [jetson]
        tx2_01 ansible_host=gpu.example.org  ansible_port=39031 dtap=dev comment="nvidia tx2"
        ;TODO_nano01 ansible_host=gpu.example.org  ansible_port=39031 dtap=dev comment="nvidia nano"

      [rpi]
        rpi6404 ansible_host=edge.example.org  ansible_port=39004 dtap=dev comment="edge, rpi6404"
        rpi6405 ansible_host=edge.example.org  ansible_port=39005 dtap=dev comment="edge, rpi6405"
      """;

  @TempDir Path tmp;

  @Test
  void readsTheIssueExampleUnchanged() throws Exception {
    Path file = Files.writeString(tmp.resolve("hosts.ini"), ISSUE_EXAMPLE);

    Inventory inv = InventoryParser.parse(file);

    assertEquals(List.of("localhost", "w01", "tx2_01", "rpi6404", "rpi6405"),
        inv.hosts().stream().map(Host::name).toList());
    Host w01 = inv.host("w01").orElseThrow();
    assertEquals("gpu.example.org", w01.address());
    assertEquals(39021, w01.port());
    assertEquals("w01, GPU GTX 1080, ubuntu", w01.vars().get("comment"));
    assertEquals("dev", w01.vars().get("dtap"));
    assertTrue(w01.user().isEmpty());
    Host rpi = inv.host("rpi6405").orElseThrow();
    assertEquals("edge.example.org", rpi.address());
    assertEquals(39005, rpi.port());
    assertEquals("edge, rpi6405", rpi.vars().get("comment"));
    assertEquals(List.of("all", "rpi"), rpi.groups());
    assertEquals(22, inv.host("localhost").orElseThrow().port());
    assertTrue(inv.host("TODO_nano01").isEmpty(), "a commented-out host is not read");
    assertEquals(List.of("mac", "server", "jetson", "rpi"), inv.groups().keySet().stream()
        .filter(g -> !g.equals("all") && !g.equals("ungrouped")).toList());
    assertEquals(List.of("rpi6404", "rpi6405"),
        inv.hostsOf("rpi").stream().map(Host::name).toList());
    assertEquals(5, inv.hostsOf("all").size());
    assertEquals(List.of(), inv.hostsOf("ungrouped"));
  }

  @Test
  void groupVarsChildrenAndPrecedence() {
    Inventory inv = parse("""
        # fleet
        bastion ansible_port=2200

        [all:vars]
        ansible_user=pi
        site=lab

        [rpi]
        rpi[01:03] ansible_host=10.0.0.1
        rpi04:2204 ansible_user=ubuntu

        [rpi:vars]
        ansible_ssh_private_key_file = ~/.ssh/fleet_key
        site = "rack 2"

        [jetson]
        tx2 ansible_host=tx2.local  # inline comment

        [edge:children]
        rpi
        jetson

        [edge:vars]
        site=edge
        role=client
        """);

    assertEquals(List.of("bastion", "rpi01", "rpi02", "rpi03", "rpi04", "tx2"),
        inv.hosts().stream().map(Host::name).toList());
    Host rpi02 = inv.host("rpi02").orElseThrow();
    assertEquals("pi", rpi02.user().orElseThrow(), "from all:vars");
    assertEquals("rack 2", rpi02.vars().get("site"), "child group wins over parent");
    assertEquals("client", rpi02.vars().get("role"), "inherited from the parent group");
    assertEquals("~/.ssh/fleet_key", rpi02.privateKeyFile().orElseThrow());
    assertEquals(List.of("all", "edge", "rpi"), rpi02.groups());
    Host rpi04 = inv.host("rpi04").orElseThrow();
    assertEquals(2204, rpi04.port());
    assertEquals("ubuntu", rpi04.user().orElseThrow(), "host vars win");
    assertEquals("tx2.local", inv.host("tx2").orElseThrow().address());
    assertEquals("edge", inv.host("tx2").orElseThrow().vars().get("site"));
    assertEquals(List.of("bastion"), inv.hostsOf("ungrouped").stream().map(Host::name).toList());
    assertEquals(2200, inv.host("bastion").orElseThrow().port());
    assertEquals(5, inv.hostsOf("edge").size());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[rpi|3|section header is missing its closing ']'",
      "[rpi:hosts]|3|unknown section type ':hosts'",
      "rpi6404 dtap|3|expected key=value after host 'rpi6404', got 'dtap'",
      "rpi6404 comment=\"open|3|unterminated double quote",
      "rpi6404 ansible_port=ssh|3|ansible_port of this line must be a number from 1 to 65535, got 'ssh'",
      "rpi6404 ansible_port=70000|3|got '70000'",
      "[bad group]|3|bad group name 'bad group'",
      "=x|3|expected a host name before the variables",
      "web[05:01]|3|bad host range '[05:01]'",
  })
  void malformedLinesNameFileAndLine(String badLine, int lineNo, String problem) {
    List<String> lines = List.of("[ok]", "  good1 ansible_host=a", "  " + badLine, "good2");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InventoryParser.parse("hosts.ini", lines));

    assertTrue(e.getMessage().startsWith("hosts.ini:" + lineNo + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
  }

  @Test
  void malformedVarsAndChildrenLines() {
    IllegalArgumentException vars = assertThrows(IllegalArgumentException.class,
        () -> parse("[rpi:vars]\nansible_user\n"));
    IllegalArgumentException children = assertThrows(IllegalArgumentException.class,
        () -> parse("[edge:children]\nrpi jetson\n"));
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> parse("[rpi]\nr1\n\n[rpi:vars]\nansible_port=abc\n"));
    IllegalArgumentException cycle = assertThrows(IllegalArgumentException.class,
        () -> parse("[a:children]\nb\n[b:children]\na\n"));

    assertEquals("inv:2: expected key=value in [rpi:vars] in: ansible_user", vars.getMessage());
    assertTrue(children.getMessage().startsWith("inv:2: expected one group name per line"),
        children.getMessage());
    assertTrue(port.getMessage().startsWith("inv:5: ansible_port"), port.getMessage());
    assertTrue(cycle.getMessage().contains("is its own ancestor"), cycle.getMessage());
  }

  @Test
  void missingFileIsAClearError() {
    Path missing = tmp.resolve("nope.ini");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InventoryParser.parse(missing));

    assertEquals("inventory file not found: " + missing, e.getMessage());
  }

  private static Inventory parse(String text) {
    return InventoryParser.parse("inv", text.lines().toList());
  }
}
