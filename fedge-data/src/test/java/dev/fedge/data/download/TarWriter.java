package dev.fedge.data.download;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes POSIX ustar archives (optionally gzipped) for tests. */
public final class TarWriter {

  private final Map<String, byte[]> entries = new LinkedHashMap<>();

  /** Adds a regular file (names up to 100 bytes). */
  public TarWriter add(String name, byte[] data) {
    entries.put(name, data.clone());
    return this;
  }

  /** The archive's bytes, ending with two zero blocks. */
  public byte[] toBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      boolean dir = e.getKey().endsWith("/");
      out.write(header(e.getKey(), e.getValue().length, dir ? '5' : '0'));
      out.write(e.getValue());
      int pad = (512 - e.getValue().length % 512) % 512;
      out.write(new byte[pad]);
    }
    out.write(new byte[1024]);
    return out.toByteArray();
  }

  /** Writes the archive, gzipped when the name ends with .gz. */
  public Path write(Path file) throws IOException {
    byte[] tar = toBytes();
    if (file.toString().endsWith(".gz")) {
      try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file))) {
        os.write(tar);
      }
    } else {
      Files.write(file, tar);
    }
    return file;
  }

  /** One 512-byte ustar header with a valid checksum. */
  public static byte[] header(String name, long size, char type) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, "00000000000");
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, b.length);
  }
}
