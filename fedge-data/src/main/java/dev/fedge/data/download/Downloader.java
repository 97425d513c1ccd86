package dev.fedge.data.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Downloads a file over HTTP(S) with the JDK's {@link HttpClient}: tries each URL in turn, writes
 * to a temporary file beside the target, verifies the checksum while streaming, and renames the
 * file into place only when it matches. On any failure nothing is left behind.
 */
public final class Downloader {

  private final HttpClient client;
  private final Duration requestTimeout;
  private final DownloadProgress progress;

  /**
   * A downloader.
   *
   * @param connectTimeout how long to wait for a connection (keep it short: with no network the
   *     download should fail fast)
   * @param progress hears how each download advances
   */
  public Downloader(Duration connectTimeout, DownloadProgress progress) {
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.requestTimeout = connectTimeout.multipliedBy(6);
    this.progress = progress;
  }

  /**
   * Downloads {@code target}'s file from the first URL that works.
   *
   * @param urls where to get it, in order
   * @param target where to put it; its folder is created when missing
   * @param expectedChecksum MD5 (32 hex digits) or SHA-256 (64) of the file
   * @throws ChecksumException when a download completed but its checksum is wrong (the other URLs
   *     are not tried: a mirror with a wrong file is a problem to report)
   * @throws IOException when no URL worked; the message names each URL's failure
   */
  public void download(List<URI> urls, Path target, String expectedChecksum) throws IOException {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("urls: none given for " + target.getFileName());
    }
    String algorithm = Checksums.algorithmFor(expectedChecksum);
    List<String> failures = new ArrayList<>();
    IOException last = null;
    for (URI url : urls) {
      try {
        fetch(url, target, algorithm, expectedChecksum.toLowerCase(Locale.ROOT));
        return;
      } catch (ChecksumException e) {
        throw e;
      } catch (IOException e) {
        last = e;
        failures.add(url + ": " + describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("download of " + url + " interrupted", e);
      }
    }
    throw new IOException(String.join("; ", failures), last);
  }

  private void fetch(URI url, Path target, String algorithm, String expected)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    String name = target.getFileName().toString();
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode());
      }
      long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + name + ".", ".part");
      try {
        MessageDigest md = Checksums.digest(algorithm);
        progress.started(name, total);
        long done = 0;
        try (OutputStream out = Files.newOutputStream(tmp)) {
          byte[] buf = new byte[1 << 16];
          int n;
          while ((n = body.read(buf)) > 0) {
            out.write(buf, 0, n);
            md.update(buf, 0, n);
            done += n;
            progress.advanced(done);
          }
        } finally {
          progress.finished();
        }
        if (total >= 0 && done != total) {
          throw new IOException("connection closed after " + done + " of " + total + " bytes");
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(expected)) {
          throw new ChecksumException(name, algorithm, expected, actual);
        }
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * A short description of a download failure: {@code host not found}, {@code cannot
   * connect}, {@code connect timed out}, or the exception's class and message.
   */
  static String describe(Throwable e) {
    if (inChain(e, java.nio.channels.UnresolvedAddressException.class)
        || inChain(e, java.net.UnknownHostException.class)) {
      return "host not found";
    }
    if (inChain(e, java.net.http.HttpConnectTimeoutException.class)) {
      return "connect timed out";
    }
    if (inChain(e, java.net.ConnectException.class)) {
      return "cannot connect";
    }
    String m = e.getMessage();
    String type = e.getClass().getSimpleName();
    if (m == null || m.isBlank()) {
      return e.getCause() != null && e.getCause() != e ? describe(e.getCause()) : type;
    }
    return e.getClass() == IOException.class ? m : type + ": " + m;
  }

  private static boolean inChain(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
