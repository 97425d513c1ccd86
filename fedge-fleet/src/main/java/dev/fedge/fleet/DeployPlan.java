package dev.fedge.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files {@code fedge fleet deploy} puts on each host, with their SHA-256, computed once:
 * the jar as {@code fedge.jar}, the files of the {@code lib/} folder under {@code lib/}, an
 * optional config file under its own name, and an optional data folder under {@code data/}.
 *
 * <p>The plan also tells which jars in the remote {@code lib/} are stale ({@link #staleJars}):
 * those not in the local {@code lib/} any more, e.g. the old version after a dependency upgrade.
 *
 * @param files the files, each with its path under the remote directory
 * @param hasLib whether the plan deploys a {@code lib/} folder (possibly empty); only then does it
 *     know which remote jars are stale
 */
public record DeployPlan(List<File> files, boolean hasLib) {

  /** The folder of the jar's dependencies under the remote directory. */
  public static final String LIB = "lib";

  /**
   * One file to deploy.
   *
   * @param local the local file
   * @param target its path under the remote directory, with {@code /} separators
   * @param sha256 its SHA-256, lower-case hex
   * @param size its size in bytes
   */
  public record File(Path local, String target, String sha256, long size) {
    /** Checks the fields. */
    public File {
      Objects.requireNonNull(local, "local");
      Objects.requireNonNull(target, "target");
      if (target.isBlank() || target.startsWith("/") || target.contains("..")
          || target.contains("\n") || target.contains("\\")) {
        throw new IllegalArgumentException("bad target path '" + target + "' for " + local);
      }
      if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("sha256 of " + local + " must be 64 hex digits, got '"
            + sha256 + "'");
      }
    }
  }

  /** Copies the list and checks targets are unique. */
  public DeployPlan {
    Objects.requireNonNull(files, "files");
    files = List.copyOf(files);
    Set<String> seen = new LinkedHashSet<>();
    for (File f : files) {
      if (!seen.add(f.target())) {
        throw new IllegalArgumentException("two files would be deployed as '" + f.target() + "'");
      }
    }
    if (!hasLib && files.stream().anyMatch(f -> f.target().startsWith(LIB + "/"))) {
      throw new IllegalArgumentException("hasLib: the plan has files under " + LIB
          + "/, so it deploys a lib folder");
    }
  }

  /** A plan of these files, with a {@code lib/} folder when one of them is under it. */
  public DeployPlan(List<File> files) {
    this(files, files.stream().anyMatch(f -> f.target().startsWith(LIB + "/")));
  }

  /**
   * Makes the plan, hashing every file.
   *
   * @param jar the fedge jar (required)
   * @param lib the folder of the jar's dependencies, or {@code null}
   * @param config a config file, or {@code null}
   * @param data a data folder, or {@code null}
   * @throws IllegalArgumentException naming the option and path when a file or folder is missing
   */
  public static DeployPlan of(Path jar, Path lib, Path config, Path data) throws IOException {
    List<File> files = new ArrayList<>();
    if (jar == null || !Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("--jar: no such file: " + jar
          + " (build it with 'mvn -q package -DskipTests' or pass --jar)");
    }
    files.add(file(jar, "fedge.jar"));
    if (lib != null) {
      addTree("--lib", lib, LIB, files);
    }
    if (config != null) {
      if (!Files.isRegularFile(config)) {
        throw new IllegalArgumentException("--config: no such file: " + config);
      }
      files.add(file(config, config.getFileName().toString()));
    }
    if (data != null) {
      addTree("--data", data, "data", files);
    }
    return new DeployPlan(files, lib != null);
  }

  /**
   * This plan for one platform: the files under {@code lib/native/} of other platforms left out.
   *
   * @param platform the host's platform
   */
  public DeployPlan forPlatform(NativePlatform platform) {
    String own = platform.folder() + "/";
    String natives = NativePlatform.NATIVE_DIR + "/";
    List<File> kept = files.stream()
        .filter(f -> !f.target().startsWith(natives) || f.target().startsWith(own)).toList();
    return new DeployPlan(kept, hasLib);
  }

  /** Whether the plan has natives in {@code lib/native/}. */
  public boolean hasNatives() {
    return files.stream().anyMatch(f -> f.target().startsWith(NativePlatform.NATIVE_DIR + "/"));
  }

  /** The folders the targets need, parents first. */
  public List<String> directories() {
    Set<String> dirs = new LinkedHashSet<>();
    for (File f : files) {
      int slash = f.target().lastIndexOf('/');
      while (slash > 0) {
        dirs.add(f.target().substring(0, slash));
        slash = f.target().lastIndexOf('/', slash - 1);
      }
    }
    return dirs.stream().sorted().toList();
  }

  /**
   * The stale jars among the files of the remote {@code lib/} folder: the names ending in {@code
   * .jar} that this plan does not deploy as {@code lib/NAME}. Only the folder's own entries count,
   * not its subfolders; without a {@code lib/} in the plan nothing is stale.
   *
   * @param remoteLibFiles names of the regular files directly in the remote {@code lib/}
   * @return their paths under the remote directory ({@code lib/NAME}), sorted
   */
  public List<String> staleJars(Collection<String> remoteLibFiles) {
    if (!hasLib) {
      return List.of();
    }
    Set<String> targets = new HashSet<>();
    for (File f : files) {
      targets.add(f.target());
    }
    List<String> stale = new ArrayList<>();
    for (String name : remoteLibFiles) {
      String target = LIB + "/" + name;
      if (name.endsWith(".jar") && !name.contains("/") && !targets.contains(target)) {
        stale.add(target);
      }
    }
    stale.sort(null);
    return stale;
  }

  private static void addTree(String option, Path root, String prefix, List<File> files)
      throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException(option + ": no such folder: " + root);
    }
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> paths = walk.filter(Files::isRegularFile).sorted().toList();
      for (Path p : paths) {
        String rel = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        files.add(file(p, prefix + "/" + rel));
      }
    }
  }

  private static File file(Path p, String target) throws IOException {
    return new File(p, target, sha256(p), Files.size(p));
  }

  /** SHA-256 of a file, lower-case hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
