package dev.fedge.data;

import dev.fedge.data.download.ChecksumException;
import dev.fedge.data.download.Checksums;
import dev.fedge.data.download.DownloadProgress;
import dev.fedge.data.download.Downloader;
import dev.fedge.data.download.PackageInstaller;
import dev.fedge.data.download.TarGz;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a data set's files, downloading them when they are missing. Looks in {@code
 * <dataDir>/<name>/} first (default {@code ./data}), then where a system package installs them
 * (Debian's {@code /usr/share/datasets/fashion-mnist/}), then downloads from the official source
 * into {@code <dataDir>/<name>/}, verifying each file's checksum. With no network the download
 * fails fast; then, for a data set that a Debian package holds ({@code dataset-fashion-mnist}), the
 * package is installed with apt-get when the machine allows it ({@link
 * dev.fedge.data.download.AptInstaller}, saying so in one line); otherwise the exception's one
 * line says where to put the files.
 *
 * <p>Download sources can be replaced: system property {@code fedge.data.mirror} (a base URL
 * holding {@code <name>/<file>}), or {@link Builder#optBaseUrl} per data set.
 *
 * <pre>{@code
 * DatasetLocator locator = DatasetLocator.builder().optDataDir(Path.of("data")).build();
 * LocatedDataset found = locator.locate("cifar10");
 * }</pre>
 */
public final class DatasetLocator {

  /** System property with the default data folder. */
  public static final String DATA_DIR_PROPERTY = "fedge.data.dir";

  /** System property with a mirror base URL that holds {@code <name>/<file>} for every set. */
  public static final String MIRROR_PROPERTY = "fedge.data.mirror";

  private final Path dataDir;
  private final boolean useSystemDirs;
  private final boolean download;
  private final String mirror;
  private final Map<String, String> baseUrls;
  private final Map<String, String> checksums;
  private final Duration connectTimeout;
  private final DownloadProgress progress;
  private final PackageInstaller packages;
  private final Map<String, Path> systemDirOverrides;

  private DatasetLocator(Builder b) {
    this.dataDir = b.dataDir;
    this.useSystemDirs = b.useSystemDirs;
    this.download = b.download;
    this.mirror = b.mirror;
    this.baseUrls = Map.copyOf(b.baseUrls);
    this.checksums = Map.copyOf(b.checksums);
    this.connectTimeout = b.connectTimeout;
    this.progress = b.progress;
    this.packages = b.packages;
    this.systemDirOverrides = Map.copyOf(b.systemDirOverrides);
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A locator with the defaults: {@code ./data} (or {@code -Dfedge.data.dir}), downloads on. */
  public static DatasetLocator defaults() {
    return builder().build();
  }

  /** The data folder; data set {@code name} lives in {@code dataDir/name}. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Finds a data set's files on disk without downloading (an archive already in the data folder is
   * extracted).
   *
   * @param name a data set name: {@code fashion-mnist}, {@code mnist}, {@code cifar10}, {@code
   *     cifar100} or {@code folder:<path>}
   * @return where the files are, or empty when they are not on disk
   * @throws IllegalArgumentException for an unknown name or a folder that does not exist
   * @throws IOException when an archive cannot be extracted
   */
  public Optional<LocatedDataset> find(String name) throws IOException {
    if (name.startsWith(Catalog.FOLDER_PREFIX)) {
      return Optional.of(folder(name));
    }
    Catalog.Entry e = Catalog.entry(name);
    Path own = dataDir.resolve(name);
    Optional<LocatedDataset> found = findIn(e, own, LocatedDataset.Origin.DATA_DIR);
    if (found.isPresent()) {
      return found;
    }
    if (useSystemDirs) {
      for (Path sys : systemDirs(e)) {
        found = findIn(e, sys, LocatedDataset.Origin.SYSTEM);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    if (e.layout() == Catalog.Layout.CIFAR) {
      Path archive = own.resolve(e.remotes().get(0).fileName());
      if (Files.isRegularFile(archive)) {
        extract(e, archive, own);
        return findIn(e, own, LocatedDataset.Origin.DATA_DIR);
      }
    }
    return Optional.empty();
  }

  /**
   * Finds a data set's files, downloading what is missing into {@code dataDir/name}.
   *
   * @param name a data set name (see {@link #find})
   * @return where the files are
   * @throws IllegalArgumentException for an unknown name
   * @throws DatasetUnavailableException when the files are missing and cannot be downloaded; its
   *     one-line message says where to put them
   * @throws IOException when files cannot be written or extracted
   */
  public LocatedDataset locate(String name) throws IOException {
    Optional<LocatedDataset> found = find(name);
    if (found.isPresent()) {
      return found.get();
    }
    Catalog.Entry e = Catalog.entry(name);
    Path own = dataDir.resolve(name);
    String hint = String.format(Locale.ROOT, e.hint(), own + "/");
    if (!download) {
      throw new DatasetUnavailableException(
          name + ": not found in " + own + " and downloads are off: " + hint, null);
    }
    Downloader downloader = new Downloader(connectTimeout, progress);
    try {
      for (Catalog.Remote r : e.remotes()) {
        Path target = own.resolve(r.fileName());
        if (e.layout() == Catalog.Layout.IDX && idxFile(own, stripGz(r.fileName())) != null) {
          continue; // this one is there already
        }
        downloader.download(urls(e, r), target, checksum(r));
      }
    } catch (ChecksumException ex) {
      throw new DatasetUnavailableException(
          name + ": download failed: " + ex.getMessage() + ": " + hint, ex);
    } catch (IOException ex) {
      Optional<LocatedDataset> installed = installPackage(e);
      if (installed.isPresent()) {
        return installed.get();
      }
      throw new DatasetUnavailableException(
          name + ": not found in " + own + " and download failed (no network? "
              + firstFailure(ex) + "): " + hint, ex);
    }
    if (e.layout() == Catalog.Layout.CIFAR) {
      extract(e, own.resolve(e.remotes().get(0).fileName()), own);
    }
    LocatedDataset got =
        findIn(e, own, LocatedDataset.Origin.DOWNLOADED)
            .orElseThrow(
                () -> new DataFormatException(
                    own.toString(), "downloaded, but the expected files are not there: " + hint));
    return new LocatedDataset(got.name(), got.dir(), got.files(), LocatedDataset.Origin.DOWNLOADED);
  }

  /** Installs the set's system package when there is one and the machine allows it. */
  private Optional<LocatedDataset> installPackage(Catalog.Entry e) {
    String pkg = Catalog.DEBIAN_PACKAGES.get(e.name());
    if (pkg == null || !useSystemDirs
        || !packages.install(pkg, e.name() + ": download failed")) {
      return Optional.empty();
    }
    for (Path sys : systemDirs(e)) {
      Optional<LocatedDataset> found = findIn(e, sys, LocatedDataset.Origin.SYSTEM);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private List<Path> systemDirs(Catalog.Entry e) {
    Path override = systemDirOverrides.get(e.name());
    return override != null
        ? List.of(override) : e.systemDirs().stream().map(Path::of).toList();
  }

  private List<URI> urls(Catalog.Entry e, Catalog.Remote r) {
    String base = baseUrls.get(e.name());
    if (base != null) {
      return List.of(r.uri(base));
    }
    if (mirror != null) {
      return List.of(r.uri((mirror.endsWith("/") ? mirror : mirror + "/") + e.name() + "/"));
    }
    List<URI> out = new ArrayList<>();
    for (String b : r.baseUrls()) {
      out.add(r.uri(b));
    }
    return out;
  }

  private String checksum(Catalog.Remote r) {
    return checksums.getOrDefault(r.fileName(), r.md5());
  }

  private static String firstFailure(IOException ex) {
    String m = ex.getMessage();
    if (m == null) {
      return ex.getClass().getSimpleName();
    }
    int semi = m.indexOf("; ");
    return semi < 0 ? m : m.substring(0, semi);
  }

  private void extract(Catalog.Entry e, Path archive, Path own) throws IOException {
    String expected = checksum(e.remotes().get(0));
    if (!Checksums.matches(archive, expected)) {
      throw new DataFormatException(
          archive.getFileName().toString(),
          "checksum does not match the official " + Checksums.algorithmFor(expected) + " "
              + expected + ": delete it, or extract it yourself into " + own.resolve(e.folder()));
    }
    Path tmp = Files.createTempDirectory(own, ".extract-");
    try {
      TarGz.extract(archive, tmp);
      Path folder = tmp.resolve(e.folder());
      if (!Files.isDirectory(folder)) {
        throw new DataFormatException(
            archive.getFileName().toString(), "has no " + e.folder() + "/ folder");
      }
      Path dest = own.resolve(e.folder());
      if (Files.exists(dest)) {
        deleteTree(dest); // an incomplete earlier extraction
      }
      Files.move(folder, dest);
    } finally {
      deleteTree(tmp);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(q);
      }
    }
  }

  private static Optional<LocatedDataset> findIn(
      Catalog.Entry e, Path dir, LocatedDataset.Origin origin) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> files = new ArrayList<>();
    if (e.layout() == Catalog.Layout.IDX) {
      for (String f : e.files()) {
        Path p = idxFile(dir, f);
        if (p == null) {
          return Optional.empty();
        }
        files.add(p);
      }
      return Optional.of(new LocatedDataset(e.name(), dir, files, origin));
    }
    for (Path d : List.of(dir.resolve(e.folder()), dir)) {
      files.clear();
      for (String f : e.files()) {
        Path p = d.resolve(f);
        if (!Files.isRegularFile(p)) {
          break;
        }
        files.add(p);
      }
      if (files.size() == e.files().size()) {
        return Optional.of(new LocatedDataset(e.name(), d, files, origin));
      }
    }
    return Optional.empty();
  }

  /** The IDX file {@code base} or {@code base.gz} in {@code dir}, or null. */
  private static Path idxFile(Path dir, String base) {
    for (String n : List.of(base, base + ".gz")) {
      Path p = dir.resolve(n);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static String stripGz(String n) {
    return n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
  }

  private static LocatedDataset folder(String name) {
    String path = name.substring(Catalog.FOLDER_PREFIX.length());
    if (path.isEmpty()) {
      throw new IllegalArgumentException(name + ": give a folder, e.g. folder:./photos");
    }
    Path root = Path.of(path);
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException(name + ": " + root + " is not a folder");
    }
    return new LocatedDataset(name, root, List.of(root), LocatedDataset.Origin.FOLDER);
  }

  /** Builds a {@link DatasetLocator}; every option has a default. */
  public static final class Builder {
    private Path dataDir = Path.of(System.getProperty(DATA_DIR_PROPERTY, "./data"));
    private boolean useSystemDirs = true;
    private boolean download = true;
    private String mirror = System.getProperty(MIRROR_PROPERTY);
    private final Map<String, String> baseUrls = new HashMap<>();
    private final Map<String, String> checksums = new HashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private DownloadProgress progress = DownloadProgress.none();
    private PackageInstaller packages;
    private final Map<String, Path> systemDirOverrides = new HashMap<>();

    private Builder() {}

    /**
     * Who installs a data set's system package when its download fails (default: {@link
     * dev.fedge.data.download.AptInstaller#system()}; {@link PackageInstaller#none()} never
     * installs). Used only with system folders on ({@link #optSystemDirs}) and downloads on.
     */
    public Builder optPackageInstaller(PackageInstaller installer) {
      this.packages = installer;
      return this;
    }

    /** Where the system package of data set {@code name} puts its files (default Debian's). */
    public Builder optSystemDir(String name, Path dir) {
      Catalog.entry(name);
      systemDirOverrides.put(name, dir);
      return this;
    }

    /** The data folder (default {@code ./data}, or system property {@code fedge.data.dir}). */
    public Builder optDataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** Whether to look where system packages install data sets (default true). */
    public Builder optSystemDirs(boolean use) {
      this.useSystemDirs = use;
      return this;
    }

    /** Whether to download missing data sets (default true). */
    public Builder optDownload(boolean enabled) {
      this.download = enabled;
      return this;
    }

    /**
     * A mirror holding {@code <name>/<file>} for every data set, replacing the official sources
     * (default: system property {@code fedge.data.mirror}, else none).
     */
    public Builder optMirror(String baseUrl) {
      this.mirror = baseUrl;
      return this;
    }

    /** The base URL of one data set's files ({@code <baseUrl>/<file>}), replacing all others. */
    public Builder optBaseUrl(String name, String baseUrl) {
      Catalog.entry(name);
      baseUrls.put(name, baseUrl);
      return this;
    }

    /**
     * Replaces the known checksum of a downloadable file (for a private mirror with other files).
     *
     * @param fileName e.g. {@code "cifar-10-binary.tar.gz"}
     * @param checksum MD5 (32 hex digits) or SHA-256 (64)
     */
    public Builder optChecksum(String fileName, String checksum) {
      Checksums.algorithmFor(checksum);
      checksums.put(fileName, checksum);
      return this;
    }

    /** How long to wait for a connection (default 5 s). */
    public Builder optConnectTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be > 0, got " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /** Who hears download progress (default nobody; the CLI passes a progress bar). */
    public Builder optProgress(DownloadProgress listener) {
      this.progress = listener;
      return this;
    }

    /** The locator. */
    public DatasetLocator build() {
      if (packages == null) {
        packages = dev.fedge.data.download.AptInstaller.system();
      }
      return new DatasetLocator(this);
    }
  }
}
