package dev.fedge.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fedge.api.Parameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The model registry on disk: {@code <root>/<group>/<project>/<round>/model.safetensors} plus
 * {@code manifest.json} with provenance and the file's SHA-256.
 *
 * <p>A model is written into a temporary folder and renamed into place, so a crash never leaves a
 * half-written round behind; saving the same round again replaces it.
 *
 * <p>A project's {@value #LATEST_FILE} file names the round the registry serves as its latest:
 * the federation server writes it once a round is recorded (see {@code RunJournal}), so a round
 * whose model is saved but not yet recorded is never served, and a recorded round whose model
 * went missing is reported instead of quietly serving the round before. Projects without the
 * file (written by hand, or by older fedge) serve their highest complete round.
 */
public final class ModelStore {

  /** File name of the weights in a round folder. */
  public static final String MODEL_FILE = "model.safetensors";

  /** File name of the manifest in a round folder. */
  public static final String MANIFEST_FILE = "manifest.json";

  /** File in a project folder that names the round served as the latest. */
  public static final String LATEST_FILE = "latest";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;
  private volatile Quota quota = Quota.NONE;

  /** Sets what the store may hold ({@link Quota#NONE} by default); checked before every save. */
  public void setQuota(Quota quota) {
    this.quota = quota == null ? Quota.NONE : quota;
  }

  /**
   * The bytes of a folder's files, 0 when it does not exist.
   *
   * @param group a model group
   * @param project a project in it, or null for the whole group
   */
  public long bytes(String group, String project) throws IOException {
    Path dir = project == null ? root.resolve(group) : root.resolve(group).resolve(project);
    return treeBytes(dir);
  }

  /** The bytes of a saved round's files, 0 when it is not there. */
  public long bytes(ModelKey key) throws IOException {
    return treeBytes(folder(key));
  }

  /** Whether a relative path is in or is a hidden entry (a save's temporary folder). */
  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** The bytes of a folder's files, leaving out hidden entries (saves in progress). */
  private static long treeBytes(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      long sum = 0;
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f) && !hidden(dir.relativize(f))) {
          sum += Files.size(f);
        }
      }
      return sum;
    }
  }

  /** A store rooted at a folder (created when needed). */
  public ModelStore(Path root) {
    this.root = root;
  }

  /** The root folder. */
  public Path root() {
    return root;
  }

  /** Folder of one round. */
  public Path folder(ModelKey key) {
    return root.resolve(key.group()).resolve(key.project()).resolve(Integer.toString(key.round()));
  }

  /** Path of a round's safetensors file. */
  public Path modelFile(ModelKey key) {
    return folder(key).resolve(MODEL_FILE);
  }

  /**
   * Saves a model and its manifest.
   *
   * @param key where
   * @param parameters the model
   * @param provenance what produced it (strategy, config, seed, metrics, ...), stored in the
   *     manifest next to fedge's own fields
   * @return the manifest as written
   * @throws Quota.QuotaExceededException when the store's quota refuses it; nothing was changed
   */
  public Map<String, Object> save(ModelKey key, Parameters parameters, Map<String, Object> provenance)
      throws IOException {
    Path target = folder(key);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("." + key.round() + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    try {
      Map<String, Object> manifest = writeFolder(tmp, key, parameters, provenance);
      long bytes = 0;
      try (java.util.stream.Stream<Path> files = Files.walk(tmp)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          bytes += Files.isRegularFile(f) ? Files.size(f) : 0;
        }
      }
      quota.check(this, key, bytes); // before the round there is touched
      if (Files.exists(target)) {
        deleteTree(target);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target);
      }
      return manifest;
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
  }

  /**
   * Writes {@value #MODEL_FILE} and {@value #MANIFEST_FILE} into a folder (not atomically: {@link
   * #save} writes into a temporary folder with this and renames it).
   *
   * @param dir the folder, which must exist
   * @param key the model's registry key, recorded in the manifest
   * @param parameters the model
   * @param provenance what produced it
   * @return the manifest as written
   */
  public static Map<String, Object> writeFolder(
      Path dir, ModelKey key, Parameters parameters, Map<String, Object> provenance)
      throws IOException {
    Path file = dir.resolve(MODEL_FILE);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("fedge.model", key.toString());
    SafeTensors.write(parameters, meta, file);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", "fedge-model/1");
    manifest.put("group", key.group());
    manifest.put("project", key.project());
    manifest.put("round", key.round());
    manifest.put("created", Instant.now().toString());
    manifest.put("file", MODEL_FILE);
    manifest.put("sha256", sha256(file));
    manifest.put("bytes", Files.size(file));
    manifest.put("parameters", parameters.size());
    List<Map<String, Object>> tensors = new ArrayList<>();
    parameters.layout().tensors().forEach(
        t -> tensors.add(Map.of("name", t.name(), "shape", t.shape())));
    manifest.put("tensors", tensors);
    manifest.put("provenance", provenance);
    manifest.put("versions", versions());
    JSON.writeValue(dir.resolve(MANIFEST_FILE).toFile(), manifest);
    return manifest;
  }

  /**
   * Loads a model, checking its SHA-256 against the manifest.
   *
   * @throws NoSuchFileException when the round is not in the store
   * @throws IllegalArgumentException when the file is corrupt
   */
  public Parameters load(ModelKey key) throws IOException {
    Path file = modelFile(key);
    if (!Files.exists(file)) {
      throw new NoSuchFileException("no model " + key + " in " + root);
    }
    Map<String, Object> manifest = manifest(key);
    Object expected = manifest.get("sha256");
    if (expected != null && !expected.equals(sha256(file))) {
      throw new IllegalArgumentException(
          "model " + key + ": " + MODEL_FILE + " does not match the SHA-256 in its manifest");
    }
    return SafeTensors.read(file).parameters();
  }

  /** The manifest of a round. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> manifest(ModelKey key) throws IOException {
    Path file = folder(key).resolve(MANIFEST_FILE);
    if (!Files.exists(file)) {
      throw new NoSuchFileException("no model " + key + " in " + root);
    }
    return JSON.readValue(file.toFile(), Map.class);
  }

  /** Rounds stored for a project, ascending. */
  public List<Integer> rounds(String group, String project) {
    Path dir = root.resolve(group).resolve(project);
    List<Integer> rounds = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return rounds;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.matches("\\d+") && Files.exists(p.resolve(MODEL_FILE))
            && Files.exists(p.resolve(MANIFEST_FILE))) {
          rounds.add(Integer.parseInt(n));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rounds.sort(Comparator.naturalOrder());
    return rounds;
  }

  /**
   * The round a project serves as its latest: the one its {@value #LATEST_FILE} file names, else
   * its highest complete round.
   *
   * @throws IllegalStateException when the named round's model or manifest is missing
   */
  public Optional<ModelKey> latest(String group, String project) {
    Optional<Integer> marked = marked(group, project);
    if (marked.isPresent()) {
      ModelKey key = new ModelKey(group, project, marked.get());
      Optional<Path> missing = missingFile(key);
      if (missing.isPresent()) {
        throw new IllegalStateException("model " + key + " is missing: " + missing.get()
            + " not found; its run recorded round " + key.round()
            + ", so no older round is served in its place");
      }
      return Optional.of(key);
    }
    List<Integer> r = rounds(group, project);
    return r.isEmpty()
        ? Optional.empty()
        : Optional.of(new ModelKey(group, project, r.get(r.size() - 1)));
  }

  /**
   * Names a round as its project's latest (atomically: a crash leaves the old or the new one).
   *
   * @param key the round
   * @throws IOException when the file cannot be written
   */
  public void markLatest(ModelKey key) throws IOException {
    Path dir = root.resolve(key.group()).resolve(key.project());
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + LATEST_FILE + ".tmp-" + UUID.randomUUID());
    Files.writeString(tmp, key.round() + "\n");
    try {
      Files.move(tmp, dir.resolve(LATEST_FILE), StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve(LATEST_FILE), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The round a project's {@value #LATEST_FILE} file names, if it has a readable one. */
  public Optional<Integer> marked(String group, String project) {
    Path file = root.resolve(group).resolve(project).resolve(LATEST_FILE);
    try {
      String text = Files.readString(file).strip();
      return text.matches("\\d{1,9}") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first of a round's two files that is not there, if any. */
  public Optional<Path> missingFile(ModelKey key) {
    for (Path p : List.of(modelFile(key), folder(key).resolve(MANIFEST_FILE))) {
      if (!Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Deletes a round's folder, if there is one (the run journal's roll-back of a round that was
   * saved but never recorded).
   *
   * @return true when there was one
   */
  public boolean delete(ModelKey key) throws IOException {
    Path dir = folder(key);
    if (!Files.exists(dir)) {
      return false;
    }
    deleteTree(dir);
    return true;
  }

  /** Every stored model, sorted by group, project, round. */
  public List<ModelKey> list() {
    List<ModelKey> keys = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return keys;
    }
    try (Stream<Path> groups = Files.list(root)) {
      for (Path g : groups.sorted().toList()) {
        if (!Files.isDirectory(g) || g.getFileName().toString().startsWith(".")) {
          continue;
        }
        try (Stream<Path> projects = Files.list(g)) {
          for (Path p : projects.sorted().toList()) {
            if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
              String group = g.getFileName().toString();
              String project = p.getFileName().toString();
              for (int r : rounds(group, project)) {
                keys.add(new ModelKey(group, project, r));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return keys;
  }

  /** SHA-256 of a file as lowercase hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static Map<String, Object> versions() {
    Map<String, Object> v = new LinkedHashMap<>();
    String fedge = ModelStore.class.getPackage().getImplementationVersion();
    v.put("fedge", fedge == null ? "dev" : fedge);
    v.put("java", System.getProperty("java.version"));
    v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return v;
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
