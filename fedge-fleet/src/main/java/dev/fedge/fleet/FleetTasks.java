package dev.fedge.fleet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tasks behind {@code fedge fleet}: ping, an ad-hoc command, facts, deploy, and starting,
 * stopping and watching the edge client. Each is a {@link HostTask} for {@link Fleet#run}; the
 * remote side is plain POSIX {@code sh} with the usual tools, so Linux boards and Macs both work.
 *
 * <p>On the host, the client lives in the remote directory (default {@code ~/fedge}): {@code
 * fedge.jar}, {@code lib/}, its process id in {@code fedge.pid} and its output in {@code
 * fedge.log} (the previous run's in {@code fedge.log.1}).
 */
public final class FleetTasks {

  /** The pid file, in the remote directory. */
  public static final String PID_FILE = "fedge.pid";

  /** The log file, in the remote directory. */
  public static final String LOG_FILE = "fedge.log";

  private static final int HASH_BATCH = 200;

  /** What the deploy script prints when the remote lib/ must not be pruned. */
  static final String REFUSE = "@@refuse-prune=";

  /** True when a pid is a live process (not a zombie). */
  private static final String ALIVE_FUNCTION = String.join("\n",
      "alive() {",
      "  [ -n \"$1\" ] && kill -0 \"$1\" 2>/dev/null || return 1",
      "  if [ -r \"/proc/$1/stat\" ]; then",
      "    [ \"$(sed 's/^.*) //' \"/proc/$1/stat\" | cut -c1)\" != Z ] || return 1",
      "  fi",
      "  return 0",
      "}");

  private FleetTasks() {}

  /**
   * Checks that the host answers: runs {@code echo pong}.
   *
   * @return {@code pong}
   */
  public static HostTask<String> ping() {
    return session -> {
      CommandResult r = session.script("echo pong");
      if (!r.ok() || !r.stdout().strip().equals("pong")) {
        throw new IOException("unexpected reply to ping (rc=" + r.exitCode() + "): "
            + r.output().strip());
      }
      return "pong";
    };
  }

  /**
   * Runs a command line with {@code sh -c}, like Ansible's shell module; a non-zero exit status
   * is returned, not thrown.
   */
  public static HostTask<CommandResult> shell(String command) {
    Objects.requireNonNull(command, "command");
    return session -> session.exec("sh -c " + Shell.quote(command));
  }

  /** The Java feature release fedge needs on a host. */
  public static final int JAVA_REQUIRED = 17;

  /** How to install it on a Debian-family host (Raspberry Pi OS, Ubuntu, Jetson's L4T). */
  public static final String JAVA_INSTALL = "sudo apt-get install openjdk-17-jre-headless";

  /** Gathers facts with {@link Facts#SCRIPT}. */
  public static HostTask<HostFacts> facts() {
    return facts("java");
  }

  /**
   * Gathers facts with {@link Facts#script(String)}.
   *
   * @param java the java command on the host whose version the facts report
   */
  public static HostTask<HostFacts> facts(String java) {
    String script = Facts.script(requireJavaCommand(java));
    return session -> {
      CommandResult r = session.script(script);
      if (!r.stdout().contains("@@uname")) {
        throw new IOException("facts script failed (rc=" + r.exitCode() + "): "
            + r.output().strip());
      }
      return Facts.parse(r.stdout());
    };
  }

  /**
   * Checks that the host has Java {@value #JAVA_REQUIRED} or later; without it, installs it with
   * {@code sudo -n apt-get install -y openjdk-17-jre-headless} (without sudo when the login user is
   * root) when {@code install} is set, else
   * fails with one line that says so and how to install it.
   *
   * @param java the java command on the host, e.g. {@code java} or {@code /opt/jdk/bin/java}
   * @param install whether to install Java 17 where it is missing (needs password-less sudo)
   * @return the host's Java version, e.g. {@code 17.0.9}
   */
  public static HostTask<String> requireJava(String java, boolean install) {
    String check = Facts.javaVersionCommand(requireJavaCommand(java));
    return session -> {
      String version = Facts.javaVersion(session.script(check).stdout());
      if (Facts.javaMajor(version) >= JAVA_REQUIRED) {
        return version;
      }
      String found = version.equals(HostFacts.NO_JAVA) ? "no '" + java + "' command"
          : "'" + java + "' is Java " + version;
      if (!install) {
        throw new IOException("needs Java " + JAVA_REQUIRED + "+ but " + found
            + "; install it with '" + JAVA_INSTALL + "' or pass --install-java");
      }
      CommandResult r = session.script(
          "if [ \"$(id -u)\" = 0 ]; then s=; else s='sudo -n'; fi\n"
          + "$s env DEBIAN_FRONTEND=noninteractive"
          + " apt-get install -y openjdk-17-jre-headless 2>&1");
      if (!r.ok()) {
        String[] lines = r.output().strip().split("\\R");
        throw new IOException("needs Java " + JAVA_REQUIRED + "+ but " + found
            + "; --install-java failed (rc=" + r.exitCode() + "): " + lines[lines.length - 1]
            + "; run '" + JAVA_INSTALL + "' on the host");
      }
      String after = Facts.javaVersion(session.script(check).stdout());
      if (Facts.javaMajor(after) < JAVA_REQUIRED) {
        throw new IOException("installed openjdk-17-jre-headless but '" + java
            + "' is still " + (after.equals(HostFacts.NO_JAVA) ? "missing" : "Java " + after)
            + "; pass --java /usr/lib/jvm/java-17-openjdk-*/bin/java");
      }
      return after;
    };
  }

  /** A task that first {@link #requireJava checks for Java 17+}, then runs {@code task}. */
  public static <T> HostTask<T> withJava(String java, boolean install, HostTask<T> task) {
    Objects.requireNonNull(task, "task");
    HostTask<String> check = requireJava(java, install);
    return session -> {
      check.run(session);
      return task.run(session);
    };
  }

  private static String requireJavaCommand(String java) {
    Objects.requireNonNull(java, "java");
    if (java.isBlank()) {
      throw new IllegalArgumentException("--java must not be blank");
    }
    return java;
  }

  /**
   * {@link #deploy(DeployPlan, RemoteDir, boolean)} that prunes stale jars from the remote {@code
   * lib/}.
   */
  public static HostTask<DeployReport> deploy(DeployPlan plan, RemoteDir dir) {
    return deploy(plan, dir, true);
  }

  /**
   * Copies the plan's files into the remote directory over SFTP, only those missing there or whose
   * SHA-256 (from {@code sha256sum}, or {@code shasum -a 256} on a Mac) differs; then, when {@code
   * prune} is set and the plan has a {@code lib/} folder, removes the {@link
   * DeployPlan#staleJars stale jars} of the remote {@code lib/}.
   *
   * <p>Pruning only ever removes regular files named {@code *.jar} directly in the remote {@code
   * lib/} (not in its subfolders, not symbolic links), and only after every upload succeeded, so a
   * failed upload leaves the old set in place. It is refused before anything is uploaded when the
   * remote {@code lib/} is a symbolic link, or when the remote directory is the login directory or
   * {@code /}: their {@code lib/} is not fedge's own.
   *
   * @param plan the files to deploy
   * @param dir the remote directory
   * @param prune whether to remove the stale jars
   */
  public static HostTask<DeployReport> deploy(DeployPlan plan, RemoteDir dir, boolean prune) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(dir, "dir");
    boolean pruning = prune && plan.hasLib();
    return session -> {
      Map<String, String> remote = remoteHashes(session, plan, dir, pruning);
      int copied = 0;
      int unchanged = 0;
      long bytes = 0;
      for (DeployPlan.File f : plan.files()) {
        if (f.sha256().equals(remote.get(f.target()))) {
          unchanged++;
        } else {
          session.upload(f.local(), dir.sftp(f.target()));
          copied++;
          bytes += f.size();
        }
      }
      List<String> removed = List.of();
      if (pruning) {
        removed = plan.staleJars(session.regularFiles(dir.sftp(DeployPlan.LIB)));
        for (String target : removed) {
          session.removeFile(dir.sftp(target));
        }
      }
      return new DeployReport(copied, unchanged, bytes, pruning, removed);
    };
  }

  /**
   * {@link #deploy(DeployPlan, RemoteDir, boolean)} of a plan with natives: first reads the host's
   * platform ({@code uname -s}, {@code uname -m}) and sends only its {@code lib/native/PLATFORM}
   * folder; a host of a platform without a native fails with one line naming it. A plan without
   * natives is deployed as it is.
   */
  public static HostTask<DeployReport> deployForHost(DeployPlan plan, RemoteDir dir,
      boolean prune) {
    Objects.requireNonNull(plan, "plan");
    if (!plan.hasNatives()) {
      return deploy(plan, dir, prune);
    }
    return session -> {
      CommandResult r = session.script("uname -s; uname -m");
      String[] u = r.stdout().strip().split("\\R");
      if (!r.ok() || u.length < 2) {
        throw new IOException("cannot read the host's platform (uname -s, uname -m, rc="
            + r.exitCode() + "): " + r.output().strip());
      }
      NativePlatform p = NativePlatform.of(u[0].strip(), u[1].strip())
          .orElseThrow(() -> new IOException(NativePlatform.unsupported(u[0].strip(), u[1].strip())
              + " (nothing was uploaded)"));
      return deploy(plan.forPlatform(p), dir, prune).run(session).withPlatform(p);
    };
  }

  /**
   * Checks that the remote {@code lib/} may be pruned (when {@code pruning}), creates the folders
   * and returns the SHA-256 of the targets that exist on the host.
   */
  static Map<String, String> remoteHashes(RemoteSession session, DeployPlan plan, RemoteDir dir,
      boolean pruning) throws IOException {
    CommandResult r = session.script(prepareScript(plan, dir, pruning));
    if (!r.ok()) {
      throw new IOException("cannot create " + dir + " on the host (rc=" + r.exitCode() + "): "
          + r.output().strip());
    }
    String out = r.stdout().strip();
    if (out.startsWith(REFUSE)) {
      String why = switch (out.substring(REFUSE.length())) {
        case "symlink" -> "it is a symbolic link";
        case "root" -> dir + " is the root folder";
        default -> dir + " is the login directory";
      };
      throw new IOException("not pruning " + dir + "/" + DeployPlan.LIB + ": " + why
          + ", so its jars may not be fedge's own; deploy into a folder of fedge's own, or pass"
          + " --no-prune (nothing was uploaded)");
    }
    return parseHashes(r.stdout());
  }

  /**
   * The {@code sh} script run before uploading: when {@code pruning} and the remote lib/ must not
   * be pruned, prints {@link #REFUSE} followed by {@code symlink}, {@code root} or {@code home} and
   * stops; else creates the folders and prints the {@code sha256sum} lines of the targets that
   * exist.
   */
  static String prepareScript(DeployPlan plan, RemoteDir dir, boolean pruning) {
    StringBuilder sb = new StringBuilder();
    if (pruning) {
      sb.append(String.join("\n",
          "if [ -L " + dir.shell(DeployPlan.LIB) + " ]; then",
          "  echo " + REFUSE + "symlink; exit 0",
          "fi",
          "if [ -d " + dir.shell() + " ]; then",
          "  d=$(cd " + dir.shell() + " && pwd -P)",
          "  home=$(cd \"$HOME\" 2>/dev/null && pwd -P)",
          "  if [ \"$d\" = / ]; then echo " + REFUSE + "root; exit 0; fi",
          "  if [ \"$d\" = \"$home\" ]; then echo " + REFUSE + "home; exit 0; fi",
          "fi",
          ""));
    }
    sb.append("mkdir -p ").append(dir.shell());
    for (String d : plan.directories()) {
      sb.append(' ').append(dir.shell(d));
    }
    sb.append(" || exit 1\n");
    sb.append("cd ").append(dir.shell()).append(" || exit 1\n");
    sb.append("if command -v sha256sum >/dev/null 2>&1; then h=sha256sum;"
        + " else h='shasum -a 256'; fi\n");
    List<DeployPlan.File> files = plan.files();
    for (int i = 0; i < files.size(); i += HASH_BATCH) {
      List<String> batch = new ArrayList<>();
      for (DeployPlan.File f : files.subList(i, Math.min(files.size(), i + HASH_BATCH))) {
        batch.add(f.target());
      }
      sb.append("$h -- ").append(Shell.join(batch)).append(" 2>/dev/null\n");
    }
    sb.append("exit 0\n");
    return sb.toString();
  }

  /** Reads {@code sha256sum} lines ({@code HEX  name} or {@code HEX *name}). */
  static Map<String, String> parseHashes(String output) {
    Map<String, String> m = new HashMap<>();
    for (String line : output.split("\\R")) {
      if (line.length() > 66 && line.substring(0, 64).matches("[0-9a-f]{64}")) {
        String name = line.substring(66);
        if (line.charAt(65) == '*' || line.charAt(64) != ' ') {
          name = line.substring(65).replaceFirst("^\\*", "");
        }
        m.put(name, line.substring(0, 64));
      }
    }
    return m;
  }

  /**
   * Starts {@code JAVA -cp fedge.jar:lib/native/PLATFORM/* dev.fedge.cli.Fedge client ARGS} (the
   * host's own native, from {@code uname}; without that folder just {@code -cp fedge.jar}) in the
   * remote directory with {@code nohup} in
   * the background, its output in {@code fedge.log} and its pid in {@code fedge.pid}; does nothing
   * when it already runs. Fails when the jar is not deployed or the process dies within a second.
   *
   * @param dir the remote directory
   * @param java the java command on the host, e.g. {@code java} or {@code /opt/jdk/bin/java}
   * @param clientArgs the arguments after {@code client}, e.g. {@code --server host:9090}
   */
  public static HostTask<ClientState> start(RemoteDir dir, String java, List<String> clientArgs) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(java, "java");
    if (java.isBlank()) {
      throw new IllegalArgumentException("--java must not be blank");
    }
    List<String> command = new ArrayList<>(List.of("dev.fedge.cli.Fedge", "client"));
    command.addAll(clientArgs);
    String script = String.join("\n",
        ALIVE_FUNCTION,
        "cd " + dir.shell() + " 2>/dev/null && [ -f fedge.jar ] || {",
        "  echo state=not-deployed; echo 'msg=no fedge.jar in " + esc(dir) + "'; exit 0; }",
        "if [ -f " + PID_FILE + " ] && alive \"$(cat " + PID_FILE + ")\"; then",
        "  echo state=running; echo pid=$(cat " + PID_FILE + "); echo changed=false;",
        "  echo msg=already running; exit 0",
        "fi",
        NativePlatform.shellDetect(),
        "if [ -n \"$plat\" ] && [ -d " + NativePlatform.NATIVE_DIR + "/\"$plat\" ]; then",
        "  cp=\"fedge.jar:" + NativePlatform.NATIVE_DIR + "/$plat/*\"",
        "else",
        "  cp=fedge.jar",
        "fi",
        "[ -f " + LOG_FILE + " ] && mv -f " + LOG_FILE + " " + LOG_FILE + ".1",
        "nohup " + Shell.quote(java) + " -cp \"$cp\" " + Shell.join(command) + " > " + LOG_FILE
            + " 2>&1 < /dev/null &",
        "pid=$!",
        "echo $pid > " + PID_FILE,
        "sleep 1",
        "if alive $pid; then",
        "  echo state=running; echo pid=$pid; echo changed=true",
        "else",
        "  rm -f " + PID_FILE,
        "  echo state=stopped; echo pid=$pid",
        "  echo \"msg=exited at once: $(tail -n 5 " + LOG_FILE + " | tr '\\n' ' ')\"",
        "fi");
    return session -> {
      ClientState s = ClientState.parse(session.script(script).stdout());
      if (s.state().equals("not-deployed")) {
        throw new IOException(s.message() + "; run fedge fleet deploy first");
      }
      if (!s.running()) {
        throw new IOException("client " + s.message().strip());
      }
      return s;
    };
  }

  /**
   * Stops the client: {@code kill} by the pid file, {@code kill -9} after a grace period, and
   * removes the pid file.
   *
   * @param dir the remote directory
   * @param graceSeconds how long to wait after {@code kill} before {@code kill -9}
   */
  public static HostTask<ClientState> stop(RemoteDir dir, int graceSeconds) {
    Objects.requireNonNull(dir, "dir");
    if (graceSeconds < 0) {
      throw new IllegalArgumentException("grace must not be negative, got " + graceSeconds);
    }
    String script = String.join("\n",
        ALIVE_FUNCTION,
        "cd " + dir.shell() + " 2>/dev/null || { echo state=not-deployed; exit 0; }",
        "if [ ! -f " + PID_FILE + " ]; then echo state=stopped; echo msg=not running; exit 0; fi",
        "pid=$(cat " + PID_FILE + ")",
        "if ! alive \"$pid\"; then",
        "  rm -f " + PID_FILE + "; echo state=stopped; echo 'msg=not running (stale pid file)'",
        "  exit 0",
        "fi",
        "kill \"$pid\"",
        "i=0",
        "while alive \"$pid\" && [ $i -lt " + graceSeconds * 5 + " ]; do",
        "  if sleep 0.2 2>/dev/null; then i=$((i+1)); else sleep 1; i=$((i+5)); fi",
        "done",
        "if alive \"$pid\"; then kill -9 \"$pid\"; sleep 1; fi",
        "if alive \"$pid\"; then echo state=running; echo pid=$pid; echo msg=could not kill;"
            + " exit 0; fi",
        "rm -f " + PID_FILE,
        "echo state=stopped; echo pid=$pid; echo changed=true");
    return session -> {
      ClientState s = ClientState.parse(session.script(script).stdout());
      if (s.running()) {
        throw new IOException("could not stop pid " + s.pid());
      }
      return s;
    };
  }

  /** Tells whether the client runs, by its pid file. */
  public static HostTask<ClientState> status(RemoteDir dir) {
    Objects.requireNonNull(dir, "dir");
    String script = String.join("\n",
        ALIVE_FUNCTION,
        "cd " + dir.shell() + " 2>/dev/null && [ -f fedge.jar ] || {",
        "  echo state=not-deployed; exit 0; }",
        "if [ -f " + PID_FILE + " ] && alive \"$(cat " + PID_FILE + ")\"; then",
        "  echo state=running; echo pid=$(cat " + PID_FILE + ")",
        "else",
        "  echo state=stopped",
        "fi");
    return session -> ClientState.parse(session.script(script).stdout());
  }

  /**
   * The last lines of the client's log; a host without a log fails.
   *
   * @param dir the remote directory
   * @param lines how many lines, at least 1
   */
  public static HostTask<CommandResult> logs(RemoteDir dir, int lines) {
    Objects.requireNonNull(dir, "dir");
    if (lines < 1) {
      throw new IllegalArgumentException("-n must be at least 1, got " + lines);
    }
    String log = dir.shell(LOG_FILE);
    String script = "if [ -f " + log + " ]; then tail -n " + lines + " " + log + ";"
        + " else echo 'no log " + esc(dir) + "/" + LOG_FILE
        + " on this host (was the client started?)' >&2; exit 1; fi";
    return session -> session.script(script);
  }

  /** The directory for use inside a single-quoted sh string. */
  private static String esc(RemoteDir dir) {
    return dir.path().replace("'", "'\\''");
  }
}
