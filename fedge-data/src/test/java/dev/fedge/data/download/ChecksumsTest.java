package dev.fedge.data.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumsTest {

  @TempDir Path dir;

  @Test
  void knownDigestsOfAbc() throws Exception {
    Path f = Files.write(dir.resolve("abc"), "abc".getBytes(StandardCharsets.US_ASCII));

    assertEquals("900150983cd24fb0d6963f7d28e17f72", Checksums.md5(f));
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        Checksums.sha256(f));
    assertTrue(Checksums.matches(f, "900150983CD24FB0D6963F7D28E17F72"));
    assertFalse(Checksums.matches(f, "00000000000000000000000000000000"));
  }

  @Test
  void rejectsChecksumOfOddLength() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checksums.algorithmFor("abcd"));

    assertEquals("checksum: expected 32 (MD5) or 64 (SHA-256) hex digits, got 4 in 'abcd'",
        e.getMessage());
  }

  @Test
  void progressBarRendersPercentAndSizes() {
    String line = ProgressBar.render("f.gz", 50_000_000, 100_000_000);

    assertEquals("f.gz [===============>              ]  50%   50.0/100.0 MB", line);
  }
}
