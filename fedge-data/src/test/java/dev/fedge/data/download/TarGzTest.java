package dev.fedge.data.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarGzTest {

  @TempDir Path dir;

  @Test
  void extractsFilesAndFolders() throws Exception {
    byte[] big = new byte[70_000];
    Arrays.fill(big, (byte) 7);
    Path archive = new TarWriter()
        .add("top/", new byte[0])
        .add("top/a.txt", "hello".getBytes(StandardCharsets.UTF_8))
        .add("top/sub/big.bin", big)
        .write(dir.resolve("x.tar.gz"));

    List<Path> files = TarGz.extract(archive, dir.resolve("out"));

    assertEquals(2, files.size());
    assertEquals("hello", Files.readString(dir.resolve("out/top/a.txt")));
    assertArrayEquals(big, Files.readAllBytes(dir.resolve("out/top/sub/big.bin")));
  }

  @Test
  void readsPlainTar() throws Exception {
    Path archive = new TarWriter().add("f", new byte[] {1, 2, 3}).write(dir.resolve("x.tar"));

    TarGz.extract(archive, dir.resolve("out"));

    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("out/f")));
  }

  @Test
  void rejectsEntryOutsideDestination() throws Exception {
    Path archive = new TarWriter().add("../evil", new byte[] {1}).write(dir.resolve("e.tar.gz"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TarGz.extract(archive, dir.resolve("out")));

    assertTrue(e.getMessage().startsWith("e.tar.gz: entry '../evil' would land outside"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("evil")));
  }

  @Test
  void rejectsCorruptHeader() throws Exception {
    byte[] tar = new TarWriter().add("f", new byte[] {1}).toBytes();
    tar[10] ^= 0x55;
    Path archive = Files.write(dir.resolve("c.tar"), tar);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TarGz.extract(archive, dir.resolve("out")));

    assertTrue(e.getMessage().startsWith("c.tar: corrupt tar header at byte 0"), e.getMessage());
  }

  @Test
  void rejectsTruncatedEntry() throws Exception {
    byte[] tar = new TarWriter().add("f", new byte[5000]).toBytes();
    Path archive = Files.write(dir.resolve("t.tar"), Arrays.copyOf(tar, 512 + 1000));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TarGz.extract(archive, dir.resolve("out")));

    assertEquals("t.tar: truncated: entry 'f' has 1000 of 5000 bytes", e.getMessage());
  }

  @Test
  void readsArchiveWrittenByGnuTarWithLongNames() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/tar")), "no /bin/tar");
    String longDir = "d".repeat(60) + "/" + "e".repeat(60);
    Path src = Files.createDirectories(dir.resolve("src").resolve(longDir));
    Files.writeString(src.resolve("file-with-a-long-name.txt"), "long");
    Path archive = dir.resolve("gnu.tar.gz");
    Process p = new ProcessBuilder("/bin/tar", "czf", archive.toString(), "-C",
        dir.resolve("src").toString(), ".").redirectErrorStream(true).start();
    assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "tar failed");

    TarGz.extract(archive, dir.resolve("out"));

    assertEquals("long", Files.readString(
        dir.resolve("out").resolve(longDir).resolve("file-with-a-long-name.txt")));
  }
}
