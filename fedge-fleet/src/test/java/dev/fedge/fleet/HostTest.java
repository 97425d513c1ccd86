package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HostTest {

  @Test
  void connectionVariablesWithDefaults() {
    Host bare = Host.of("rpi6404", Map.of());
    Host full = Host.of("w01", Map.of("ansible_host", "gpu.example.org", "ansible_port", "39021",
        "ansible_user", "ubuntu", "ansible_ssh_private_key_file", "~/.ssh/w01"));

    assertEquals("rpi6404", bare.address());
    assertEquals(22, bare.port());
    assertEquals("gpu.example.org", full.address());
    assertEquals(39021, full.port());
    assertEquals("ubuntu", full.user().orElseThrow());
    assertEquals("~/.ssh/w01", full.privateKeyFile().orElseThrow());
  }

  @Test
  void badPortNamesHostAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Host.of("w01", Map.of("ansible_port", "0")));

    assertEquals("ansible_port of host w01 must be a number from 1 to 65535, got '0'",
        e.getMessage());
  }
}
