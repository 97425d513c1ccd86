package dev.fedge.fleet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * An authenticated SSH session to one host: runs commands and scripts, uploads files over SFTP.
 * Open one with {@link SshConnector#open(Host)}; not for use by several threads at once.
 */
public final class RemoteSession implements AutoCloseable {

  /** At most this many bytes of each output stream are kept. */
  public static final int MAX_OUTPUT = 1 << 20;

  private final Host host;
  private final ClientSession session;
  private final Duration commandTimeout;
  private final String hostKeyNote;
  private SftpClient sftp;

  RemoteSession(Host host, ClientSession session, Duration commandTimeout, String hostKeyNote) {
    this.host = Objects.requireNonNull(host, "host");
    this.session = Objects.requireNonNull(session, "session");
    this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
    this.hostKeyNote = hostKeyNote;
  }

  /** The host this session is connected to. */
  public Host host() {
    return host;
  }

  /** What was done about the host key, when its key was new and got recorded. */
  public Optional<String> hostKeyNote() {
    return Optional.ofNullable(hostKeyNote);
  }

  /**
   * Runs a command line as {@code ssh host COMMAND} does (through the login shell), within the
   * command timeout.
   *
   * @throws IOException when the command cannot be run or does not end in time
   */
  public CommandResult exec(String command) throws IOException {
    return run(command, null, commandTimeout);
  }

  /**
   * Runs a POSIX {@code sh} script, fed on standard input to {@code sh -s} so that it does not
   * depend on the login shell; the script's commands read their standard input from {@code
   * /dev/null}.
   *
   * @throws IOException when the script cannot be run or does not end in time
   */
  public CommandResult script(String script) throws IOException {
    return script(script, commandTimeout);
  }

  /** Like {@link #script(String)} with another timeout. */
  public CommandResult script(String script, Duration timeout) throws IOException {
    String wrapped = "{\n" + script + "\n} </dev/null\n";
    return run("sh -s", wrapped.getBytes(StandardCharsets.UTF_8), timeout);
  }

  private CommandResult run(String command, byte[] input, Duration timeout) throws IOException {
    Bounded out = new Bounded();
    Bounded err = new Bounded();
    try (ChannelExec ch = session.createExecChannel(command)) {
      ch.setOut(out);
      ch.setErr(err);
      ch.setIn(input == null ? new ByteArrayInputStream(new byte[0])
          : new ByteArrayInputStream(input));
      ch.open().verify(timeout.toMillis());
      Set<ClientChannelEvent> events =
          ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout.toMillis());
      if (events.contains(ClientChannelEvent.TIMEOUT)) {
        throw new IOException("command timed out after " + seconds(timeout) + " s: "
            + firstLine(input == null ? command : new String(input, StandardCharsets.UTF_8)));
      }
      Integer status = ch.getExitStatus();
      String stderr = err.text();
      if (status == null && ch.getExitSignal() != null) {
        stderr = stderr + (stderr.isEmpty() || stderr.endsWith("\n") ? "" : "\n")
            + "killed by signal " + ch.getExitSignal() + "\n";
      }
      return new CommandResult(status == null ? -1 : status, out.text(), stderr);
    }
  }

  /**
   * Uploads a file over SFTP: written next to the target under a temporary name, then renamed over
   * it, so a running program never sees half a file; on failure the temporary file is removed
   * when the connection still allows it.
   *
   * @param local the local file
   * @param remotePath the path on the host, relative to the login directory unless absolute
   * @throws IOException when the upload fails
   */
  public void upload(Path local, String remotePath) throws IOException {
    SftpClient client = sftp();
    String part = remotePath + ".fedge-part";
    try (InputStream in = Files.newInputStream(local);
        OutputStream out = client.write(part)) {
      in.transferTo(out);
    } catch (IOException e) {
      removeQuietly(client, part);
      throw new IOException("upload of " + local + " to " + remotePath + " failed: "
          + e.getMessage(), e);
    }
    try {
      OpenSSHPosixRenameExtension posix = client.getExtension(OpenSSHPosixRenameExtension.class);
      if (posix != null && posix.isSupported()) {
        posix.posixRename(part, remotePath);
      } else {
        try {
          client.remove(remotePath);
        } catch (SftpException e) {
          if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
            throw e;
          }
        }
        client.rename(part, remotePath);
      }
    } catch (IOException e) {
      removeQuietly(client, part);
      throw new IOException("upload of " + local + " to " + remotePath + " failed: cannot rename "
          + part + " over it: " + e.getMessage(), e);
    }
  }

  /** Removes a partial upload, if it is there and the connection still works. */
  private static void removeQuietly(SftpClient client, String path) {
    try {
      client.remove(path);
    } catch (IOException | RuntimeException e) {
      // the upload's own error is the one to report
    }
  }

  /**
   * The names of the regular files directly in a folder, over SFTP: no subfolders, and no
   * symbolic links (an SFTP listing describes a link, not what it points to).
   *
   * @param remoteDir the folder on the host, relative to the login directory unless absolute
   * @return the names, sorted
   * @throws IOException when the folder is a symbolic link, or cannot be listed
   */
  public List<String> regularFiles(String remoteDir) throws IOException {
    SftpClient client = sftp();
    List<String> names = new ArrayList<>();
    try {
      if (client.lstat(remoteDir).isSymbolicLink()) {
        throw new IOException(remoteDir + " is a symbolic link; not listing through it");
      }
      for (SftpClient.DirEntry e : client.readDir(remoteDir)) {
        if (e.getAttributes().isRegularFile() && !e.getFilename().contains("/")) {
          names.add(e.getFilename());
        }
      }
    } catch (IOException e) {
      throw new IOException("cannot list " + remoteDir + ": " + e.getMessage(), e);
    }
    names.sort(null);
    return names;
  }

  /**
   * Removes a regular file over SFTP; refuses anything else (a folder, a symbolic link).
   *
   * @param remotePath the file on the host, relative to the login directory unless absolute
   * @throws IOException when it is not a regular file or cannot be removed
   */
  public void removeFile(String remotePath) throws IOException {
    SftpClient client = sftp();
    try {
      if (!client.lstat(remotePath).isRegularFile()) {
        throw new IOException("not a regular file");
      }
      client.remove(remotePath);
    } catch (IOException e) {
      throw new IOException("cannot remove " + remotePath + ": " + e.getMessage(), e);
    }
  }

  private SftpClient sftp() throws IOException {
    if (sftp == null) {
      sftp = SftpClientFactory.instance().createSftpClient(session);
    }
    return sftp;
  }

  @Override
  public void close() {
    try {
      if (sftp != null) {
        sftp.close();
      }
    } catch (IOException e) {
      // closing anyway
    }
    session.close(true);
  }

  static long seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }

  private static String firstLine(String s) {
    String t = s.strip();
    if (t.startsWith("{")) {
      t = t.substring(1).strip();
    }
    int nl = t.indexOf('\n');
    String line = nl < 0 ? t : t.substring(0, nl) + " ...";
    return line.length() > 120 ? line.substring(0, 120) + "..." : line;
  }

  /** Keeps the first {@link #MAX_OUTPUT} bytes written to it. */
  private static final class Bounded extends OutputStream {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private boolean cut;

    @Override
    public synchronized void write(int b) {
      if (buf.size() < MAX_OUTPUT) {
        buf.write(b);
      } else {
        cut = true;
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int room = MAX_OUTPUT - buf.size();
      if (room > 0) {
        buf.write(b, off, Math.min(room, len));
      }
      cut |= len > room;
    }

    synchronized String text() {
      String s = buf.toString(StandardCharsets.UTF_8);
      return cut ? s + "\n[output cut after " + MAX_OUTPUT + " bytes]\n" : s;
    }
  }
}
