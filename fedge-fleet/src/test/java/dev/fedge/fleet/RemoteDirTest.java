package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteDirTest {

  @TempDir Path home;

  @Test
  void shellWordsExpandToThePathUnderSh() throws Exception {
    assertEquals(home + "/fedge/fedge.log", sh(new RemoteDir("~/fedge").shell("fedge.log")));
    assertEquals(home + "/it's here/a b", sh(new RemoteDir("~/it's here").shell("a b")));
    assertEquals(home.toString(), sh(new RemoteDir("~").shell()));
    assertEquals(home + "/rel/x", sh(new RemoteDir("rel").shell("x")));
    assertEquals("/opt/fedge $x/y", sh(new RemoteDir("/opt/fedge $x").shell("y")));
  }

  @Test
  void sftpPathsAreRelativeToTheLoginDirectory() {
    assertEquals("fedge/lib/a.jar", new RemoteDir("~/fedge").sftp("lib/a.jar"));
    assertEquals("./fedge.jar", new RemoteDir("~").sftp("fedge.jar"));
    assertEquals("/opt/fedge/fedge.jar", new RemoteDir("/opt/fedge/").sftp("fedge.jar"));
  }

  @Test
  void rejectsOtherUsersHomesAndControlCharacters() {
    IllegalArgumentException tilde = assertThrows(IllegalArgumentException.class,
        () -> new RemoteDir("~pi/fedge"));
    IllegalArgumentException newline = assertThrows(IllegalArgumentException.class,
        () -> new RemoteDir("a\nb"));

    assertEquals("remote directory '~pi/fedge': only ~ and ~/... are understood, not ~user",
        tilde.getMessage());
    assertEquals("remote directory must not hold control characters: 'a\\nb'",
        newline.getMessage());
  }

  /** What sh prints for a word, with HOME set to the temp folder. */
  private String sh(String word) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", "printf %s " + word);
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    return out;
  }
}
