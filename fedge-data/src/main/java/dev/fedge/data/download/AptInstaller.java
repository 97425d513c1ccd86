package dev.fedge.data.download;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Installs a Debian package with {@code apt-get} when the machine has it and the rights to use it
 * (running as root, or {@code sudo} without a password), never prompting: standard input is closed,
 * {@code DEBIAN_FRONTEND=noninteractive}, {@code sudo -n}. Says what it does in one line.
 *
 * <p>The programs ({@code apt-get}, {@code id}, {@code sudo}) are looked up in a search path given
 * at construction ({@link #system} uses {@code $PATH}), so a test can put fake ones first.
 */
public final class AptInstaller implements PackageInstaller {

  private static final long TIMEOUT_MINUTES = 15;

  private final List<Path> searchPath;
  private final Consumer<String> say;

  /**
   * An installer that looks for its programs in {@code searchPath}.
   *
   * @param searchPath folders, like {@code $PATH}, separated by {@code File.pathSeparator}
   * @param say hears the one line said before installing, and the reason when it fails
   */
  public AptInstaller(String searchPath, Consumer<String> say) {
    List<Path> dirs = new ArrayList<>();
    for (String d : (searchPath == null ? "" : searchPath).split(File.pathSeparator)) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    this.searchPath = List.copyOf(dirs);
    this.say = say;
  }

  /** The installer for this machine: programs from {@code $PATH}, lines to standard error. */
  public static AptInstaller system() {
    return new AptInstaller(System.getenv("PATH"), line -> System.err.println(line));
  }

  @Override
  public boolean install(String pkg, String why) {
    Optional<Path> apt = which("apt-get");
    if (apt.isEmpty()) {
      return false;
    }
    List<String> prefix = new ArrayList<>();
    String as;
    if (isRoot()) {
      as = "as root";
    } else {
      Optional<Path> sudo = which("sudo");
      if (sudo.isEmpty() || run(List.of(sudo.get().toString(), "-n", "true")).code() != 0) {
        return false; // no rights; the caller says where to put the files
      }
      prefix.addAll(List.of(sudo.get().toString(), "-n"));
      as = "with sudo";
    }
    say.accept(why + ": installing Debian's " + pkg + " (apt-get install " + pkg + ", " + as
        + ")");
    List<String> install = new ArrayList<>(prefix);
    install.addAll(List.of(apt.get().toString(), "install", "-y", "-q", "--no-install-recommends",
        pkg));
    Result r = run(install);
    if (r.code() != 0) {
      // The package lists may be missing or stale (a fresh container has none): update, then retry.
      List<String> update = new ArrayList<>(prefix);
      update.addAll(List.of(apt.get().toString(), "update", "-q"));
      Result u = run(update);
      r = u.code() == 0 ? run(install) : u;
    }
    if (r.code() != 0) {
      say.accept(why + ": apt-get failed (exit " + r.code() + "): " + r.lastLine());
      return false;
    }
    return true;
  }

  private boolean isRoot() {
    Optional<Path> id = which("id");
    if (id.isEmpty()) {
      return false;
    }
    Result r = run(List.of(id.get().toString(), "-u"));
    return r.code() == 0 && r.output().strip().equals("0");
  }

  /** The first executable {@code name} on the search path. */
  Optional<Path> which(String name) {
    for (Path d : searchPath) {
      Path p = d.resolve(name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private Result run(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    pb.environment().put("PATH", String.join(File.pathSeparator,
        searchPath.stream().map(Path::toString).toList()));
    try {
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes(); // ends when the process closes its output
      if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after " + TIMEOUT_MINUTES + " min");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  private record Result(int code, String output) {
    String lastLine() {
      String[] lines = output.strip().split("\n");
      return lines.length == 0 || lines[lines.length - 1].isBlank()
          ? "no output" : lines[lines.length - 1].strip();
    }
  }
}
