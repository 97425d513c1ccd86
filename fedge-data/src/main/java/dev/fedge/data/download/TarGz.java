package dev.fedge.data.download;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Extracts {@code .tar.gz} (or plain {@code .tar}) archives with the JDK only: POSIX ustar and old
 * tar headers, GNU long names ({@code L} entries) and pax {@code path} records. Regular files and
 * folders are extracted; links and special files are skipped. Entries that would land outside the
 * destination folder are rejected.
 */
public final class TarGz {

  private static final int BLOCK = 512;

  private TarGz() {}

  /**
   * Extracts an archive into a folder.
   *
   * @param archive the archive, gzipped or not
   * @param destDir the folder to extract into (created when missing)
   * @return the files extracted, in archive order
   * @throws IllegalArgumentException naming the archive when it is corrupt, truncated, or has an
   *     entry outside {@code destDir}
   * @throws IOException when reading or writing fails
   */
  public static List<Path> extract(Path archive, Path destDir) throws IOException {
    String an = String.valueOf(archive.getFileName());
    Path root = destDir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    List<Path> written = new ArrayList<>();
    try (InputStream in = open(archive, an)) {
      byte[] header = new byte[BLOCK];
      String longName = null;
      long offset = 0;
      while (true) {
        int got = readBlock(in, header);
        if (got == 0) {
          break; // end of stream without the two zero blocks: accept, as GNU tar does
        }
        if (got < BLOCK) {
          throw bad(an, "truncated tar header at byte " + offset);
        }
        if (isZero(header)) {
          break;
        }
        checkHeaderChecksum(header, an, offset);
        char type = (char) header[156];
        long size = parseNumber(header, 124, 12, an, offset);
        String name = longName != null ? longName : entryName(header);
        longName = null;
        offset += BLOCK;
        if (type == 'L' || type == 'x') {
          byte[] data = readData(in, size, an, name);
          if (type == 'L') {
            longName = cString(data, 0, data.length);
          } else {
            longName = paxPath(data);
          }
        } else if (type == '0' || type == '\0' || type == '7') {
          Path out = resolve(root, name, an, false);
          Files.createDirectories(out.getParent());
          copy(in, out, size, an, name);
          written.add(out);
        } else {
          if (type == '5') {
            Files.createDirectories(resolve(root, name, an, true));
          }
          skip(in, size, an, name); // links, devices, global pax headers: not needed
        }
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        skip(in, padded - size, an, name);
        offset += padded;
      }
    } catch (ZipException | EOFException e) {
      throw bad(an, "corrupt or truncated gzip data: " + e.getMessage());
    }
    return written;
  }

  private static InputStream open(Path archive, String an) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
      } catch (ZipException | EOFException e) {
        raw.close();
        throw bad(an, "corrupt gzip header: " + e.getMessage());
      }
    }
    return raw;
  }

  private static Path resolve(Path root, String name, String an, boolean dir) {
    String clean = name;
    while (clean.startsWith("./")) {
      clean = clean.substring(2);
    }
    if ((clean.isEmpty() && !dir) || clean.startsWith("/")) {
      throw bad(an, "unsafe entry name '" + name + "'");
    }
    Path p = root.resolve(clean).normalize();
    if (!p.startsWith(root) || (p.equals(root) && !dir)) {
      throw bad(an, "entry '" + name + "' would land outside " + root);
    }
    return p;
  }

  private static String entryName(byte[] h) {
    String name = cString(h, 0, 100);
    String magic = cString(h, 257, 6);
    if (magic.startsWith("ustar")) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private static String paxPath(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    String path = null;
    int i = 0;
    while (i < text.length()) {
      int sp = text.indexOf(' ', i);
      if (sp < 0) {
        break;
      }
      int len;
      try {
        len = Integer.parseInt(text.substring(i, sp));
      } catch (NumberFormatException e) {
        break;
      }
      if (len <= 0 || i + len > text.length()) {
        break;
      }
      String rec = text.substring(sp + 1, i + len - 1);
      if (rec.startsWith("path=")) {
        path = rec.substring(5);
      }
      i += len;
    }
    return path;
  }

  private static void checkHeaderChecksum(byte[] h, String an, long offset) {
    long stored = parseNumber(h, 148, 8, an, offset);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    if (sum != stored) {
      throw bad(an, "corrupt tar header at byte " + offset + " (checksum " + stored
          + ", computed " + sum + ")");
    }
  }

  private static long parseNumber(byte[] h, int off, int len, String an, long offset) {
    if ((h[off] & 0x80) != 0) { // GNU base-256 for large sizes
      long v = h[off] & 0x7f;
      for (int i = 1; i < len; i++) {
        v = (v << 8) | (h[off + i] & 0xff);
      }
      return v;
    }
    long v = 0;
    boolean digits = false;
    for (int i = off; i < off + len; i++) {
      int c = h[i];
      if (c == 0 || (c == ' ' && digits)) {
        break;
      }
      if (c == ' ') {
        continue;
      }
      if (c < '0' || c > '7') {
        throw bad(an, "corrupt tar header at byte " + offset + " (bad octal number)");
      }
      v = v * 8 + (c - '0');
      digits = true;
    }
    return v;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static int readBlock(InputStream in, byte[] b) throws IOException {
    int got = 0;
    while (got < b.length) {
      int n = in.read(b, got, b.length - got);
      if (n < 0) {
        break;
      }
      got += n;
    }
    return got;
  }

  private static byte[] readData(InputStream in, long size, String an, String name)
      throws IOException {
    if (size > 1 << 20) {
      throw bad(an, "header entry for '" + name + "' too large: " + size + " bytes");
    }
    byte[] data = new byte[(int) size];
    if (readBlock(in, data) < size) {
      throw bad(an, "truncated: entry '" + name + "' ends early");
    }
    return data;
  }

  private static void copy(InputStream in, Path out, long size, String an, String name)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = size;
    try (OutputStream os = Files.newOutputStream(out)) {
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw bad(an, "truncated: entry '" + name + "' has " + (size - left) + " of " + size
              + " bytes");
        }
        os.write(buf, 0, n);
        left -= n;
      }
    }
  }

  private static void skip(InputStream in, long n, String an, String name) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw bad(an, "truncated: entry '" + name + "' ends early");
        }
        s = 1;
      }
      left -= s;
    }
  }

  private static IllegalArgumentException bad(String archive, String problem) {
    return new IllegalArgumentException(archive + ": " + problem);
  }
}
