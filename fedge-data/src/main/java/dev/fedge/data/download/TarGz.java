package dev.fedge.data.download;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Extracts {@code .tar.gz} (or plain {@code .tar}) archives with commons-compress (ustar, old
 * tar, GNU long names, pax headers). Regular files and folders are extracted; links and special
 * files are skipped. Entries that would land outside the destination folder are rejected, and
 * every problem is one message naming the archive.
 */
public final class TarGz {

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
    LastBlock last = new LastBlock(open(archive, an));
    try (TarArchiveInputStream in = new TarArchiveInputStream(last)) {
      while (true) {
        long offset = in.getBytesRead();
        TarArchiveEntry e;
        try {
          e = in.getNextEntry();
        } catch (IOException | IllegalArgumentException ex) {
          throw bad(an, "corrupt tar header at byte " + offset + " (" + ex.getMessage() + ")");
        }
        if (e == null) {
          break;
        }
        if (!TarUtils.verifyCheckSum(last.block())) { // commons-compress checks it only in matches()
          throw bad(an, "corrupt tar header at byte " + offset + " (checksum does not match)");
        }
        String name = e.getName();
        if (e.isDirectory()) {
          Files.createDirectories(resolve(root, name, an, true));
        } else if (e.isFile()) {
          Path out = resolve(root, name, an, false);
          Files.createDirectories(out.getParent());
          copy(in, out, e.getSize(), an, name);
          written.add(out);
        } // links, devices: not needed
      }
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
        return new BufferedInputStream(new GzipCompressorInputStream(raw, true), 1 << 16);
      } catch (IOException e) {
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

  private static void copy(InputStream in, Path out, long size, String an, String name)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = size;
    try (OutputStream os = Files.newOutputStream(out)) {
      while (left > 0) {
        int n;
        try {
          n = in.read(buf, 0, (int) Math.min(buf.length, left));
        } catch (IOException e) {
          n = -1; // commons-compress reports a short entry as "Truncated TAR archive"
        }
        if (n < 0) {
          throw bad(an, "truncated: entry '" + name + "' has " + (size - left) + " of " + size
              + " bytes");
        }
        os.write(buf, 0, n);
        left -= n;
      }
    }
  }

  /** Remembers the last 512 bytes read: after {@code getNextEntry}, the entry's header record. */
  private static final class LastBlock extends FilterInputStream {
    private final byte[] ring = new byte[512];
    private long count;

    LastBlock(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        ring[(int) (count++ % ring.length)] = (byte) b;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      for (int i = 0; i < n; i++) {
        ring[(int) (count++ % ring.length)] = b[off + i];
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long done = 0;
      while (done < n) {
        int got = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (got < 0) {
          break;
        }
        done += got;
      }
      return done;
    }

    byte[] block() {
      byte[] out = new byte[ring.length];
      for (int i = 0; i < ring.length; i++) {
        out[i] = ring[(int) ((count + i) % ring.length)];
      }
      return out;
    }
  }

  private static IllegalArgumentException bad(String archive, String problem) {
    return new IllegalArgumentException(archive + ": " + problem);
  }
}
