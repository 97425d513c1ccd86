package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShellTest {

  @Test
  void quotesOnlyWhatNeedsIt() {
    assertEquals("--server", Shell.quote("--server"));
    assertEquals("host:9090", Shell.quote("host:9090"));
    assertEquals("''", Shell.quote(""));
    assertEquals("'a b'", Shell.quote("a b"));
    assertEquals("'it'\\''s'", Shell.quote("it's"));
  }

  @Test
  void shReadsQuotedWordsBackUnchanged() throws Exception {
    List<String> words = List.of("plain", "two words", "it's", "$HOME", "`id`", "a\"b", "*", "");
    Process p = new ProcessBuilder("sh", "-c", "for w in " + Shell.join(words)
        + "; do printf '[%s]' \"$w\"; done").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, p.waitFor());
    assertEquals("[plain][two words][it's][$HOME][`id`][a\"b][*][]", out);
  }
}
