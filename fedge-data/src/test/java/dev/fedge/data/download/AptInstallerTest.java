package dev.fedge.data.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apt-get fallback run against fake {@code apt-get}, {@code id} and {@code sudo} programs (real
 * processes, shell scripts that record how they were called), so nothing is installed here.
 */
class AptInstallerTest {

  @TempDir Path bin;
  private final List<String> said = new ArrayList<>();

  private void script(String name, String body) throws IOException {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** A fake apt-get: logs its arguments, the frontend and whether stdin is empty; exits 0. */
  private void aptGet(String extra) throws IOException {
    script("apt-get", "echo \"$DEBIAN_FRONTEND $*\" >> " + bin.resolve("apt.log") + "\n"
        + extra + "\n"
        + "if read line; then echo stdin-had-input >> " + bin.resolve("apt.log") + "; fi\n"
        + "echo done; exit 0");
  }

  private List<String> aptLog() throws IOException {
    Path log = bin.resolve("apt.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private AptInstaller installer() {
    return new AptInstaller(bin.toString(), said::add);
  }

  @Test
  void asRootInstallsWithoutPromptingAndSaysSoInOneLine() throws Exception {
    script("id", "echo 0");
    aptGet("");

    assertTrue(installer().install("dataset-fashion-mnist", "fashion-mnist: download failed"));

    assertEquals(List.of("fashion-mnist: download failed: installing Debian's"
        + " dataset-fashion-mnist (apt-get install dataset-fashion-mnist, as root)"), said);
    assertEquals(List.of(
        "noninteractive install -y -q --no-install-recommends dataset-fashion-mnist"), aptLog());
  }

  @Test
  void withoutRootItUsesSudoOnlyWhenItNeedsNoPassword() throws Exception {
    script("id", "echo 1000");
    script("sudo", "[ \"$1\" = -n ] || exit 9\nshift\n[ \"$1\" = true ] && exit 0\nexec \"$@\"");
    aptGet("");

    assertTrue(installer().install("dataset-fashion-mnist", "fashion-mnist"));

    assertTrue(said.get(0).endsWith("(apt-get install dataset-fashion-mnist, with sudo)"),
        said.toString());
    assertEquals(1, aptLog().size(), aptLog().toString());
  }

  @Test
  void sudoThatWantsAPasswordMeansNoInstall() throws Exception {
    script("id", "echo 1000");
    script("sudo", "echo 'sudo: a password is required' >&2; exit 1");
    aptGet("");

    assertFalse(installer().install("dataset-fashion-mnist", "fashion-mnist"));

    assertEquals(List.of(), said);
    assertEquals(List.of(), aptLog());
  }

  @Test
  void noRightsAndNoSudoMeansNoInstall() throws Exception {
    script("id", "echo 1000");
    aptGet("");

    assertFalse(installer().install("dataset-fashion-mnist", "fashion-mnist"));
    assertEquals(List.of(), aptLog());
  }

  @Test
  void noAptGetMeansNoInstall() throws Exception {
    script("id", "echo 0");

    assertFalse(installer().install("dataset-fashion-mnist", "fashion-mnist"));
    assertEquals(List.of(), said);
  }

  @Test
  void missingPackageListsAreUpdatedThenTheInstallIsRetried() throws Exception {
    script("id", "echo 0");
    // install fails until 'update' has made the lists file
    aptGet("if [ \"$1\" = update ]; then echo > " + bin.resolve("lists") + "; exit 0; fi\n"
        + "[ -f " + bin.resolve("lists") + " ] || { echo 'E: Unable to locate package'; exit 100; }");

    assertTrue(installer().install("dataset-fashion-mnist", "fashion-mnist"));

    List<String> log = aptLog();
    assertEquals(3, log.size(), log.toString());
    assertTrue(log.get(0).contains(" install "), log.toString());
    assertEquals("noninteractive update -q", log.get(1));
    assertTrue(log.get(2).contains(" install "), log.toString());
  }

  @Test
  void aFailedInstallIsSaidWithAptsLastLine() throws Exception {
    script("id", "echo 0");
    script("apt-get", "echo 'Reading package lists...'\n"
        + "echo 'E: Could not open lock file /var/lib/dpkg/lock-frontend'\nexit 100");

    assertFalse(installer().install("dataset-fashion-mnist", "fashion-mnist"));

    assertEquals(2, said.size(), said.toString());
    assertEquals("fashion-mnist: apt-get failed (exit 100): E: Could not open lock file"
        + " /var/lib/dpkg/lock-frontend", said.get(1));
  }
}
