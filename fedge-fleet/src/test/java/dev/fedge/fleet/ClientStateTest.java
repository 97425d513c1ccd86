package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientStateTest {

  @Test
  void readsTheScriptsKeyValueLines() {
    ClientState s = ClientState.parse("state=running\npid=4242\nchanged=true\n");

    assertEquals(new ClientState("running", 4242, true, ""), s);
    assertEquals(Map.of("state", "running", "pid", 4242L), s.toMap());
  }

  @Test
  void rejectsOtherOutput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClientState.parse("sh: 1: kill: Illegal number\n"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> new ClientState("dead", 0, false, ""));

    assertEquals("unexpected reply: 'sh: 1: kill: Illegal number'", e.getMessage());
    assertEquals("state must be running, stopped or not-deployed, got 'dead'", bad.getMessage());
  }
}
