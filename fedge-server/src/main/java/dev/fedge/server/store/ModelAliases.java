package dev.fedge.server.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Named pointers to a project's rounds ({@code production}, {@code staging}, any name), kept in
 * the project's {@value #FILE} beside its rounds: for each alias the round it names now, then the
 * rounds it named before, newest first, so that a rollback goes back one step. Writes are atomic
 * (a crash leaves the old file or the new one) and serialised within the process.
 */
public final class ModelAliases {

  /** File in a project folder that holds its aliases. */
  public static final String FILE = "aliases.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ModelStore store;

  /**
   * The aliases of a model store.
   *
   * @param store the store
   */
  public ModelAliases(ModelStore store) {
    this.store = store;
  }

  /**
   * What changed.
   *
   * @param alias the alias
   * @param round the round it names now, or null when it was removed
   * @param previous the round it named before, or null when it is new
   */
  public record Change(String alias, Integer round, Integer previous) {}

  /**
   * Checks an alias name: a lower-case letter, then letters, digits, '-' or '_' (at most 32), and
   * not {@code latest}, which the registry already uses.
   *
   * @param alias the name
   * @throws IllegalArgumentException naming the value and the rule
   */
  public static void checkAlias(String alias) {
    if (alias == null || !alias.matches("[a-z][a-z0-9_-]{0,31}") || alias.equals("latest")) {
      throw new IllegalArgumentException("alias must start with a lower-case letter and hold"
          + " only a-z, 0-9, '-' or '_' (at most 32, not 'latest'), got '" + alias + "'");
    }
  }

  /** A project's aliases and the round each names now, by name. */
  public synchronized Map<String, Integer> all(String group, String project) {
    Map<String, Integer> out = new TreeMap<>();
    read(group, project).forEach((a, rounds) -> out.put(a, rounds.get(0)));
    return out;
  }

  /** The round an alias names, if it exists. */
  public synchronized Optional<ModelKey> get(String group, String project, String alias) {
    List<Integer> rounds = read(group, project).get(alias);
    return rounds == null ? Optional.empty()
        : Optional.of(new ModelKey(group, project, rounds.get(0)));
  }

  /**
   * Points an alias at a stored round.
   *
   * @param key the round
   * @param alias the alias
   * @return the change
   * @throws NoSuchElementException when the round is not stored
   * @throws IllegalArgumentException for a bad alias name
   */
  public synchronized Change set(ModelKey key, String alias) throws IOException {
    checkAlias(alias);
    if (store.missingFile(key).isPresent()) {
      throw new NoSuchElementException("no model " + key + " in the registry: an alias names a"
          + " stored round (stored: " + store.rounds(key.group(), key.project()) + ")");
    }
    Map<String, List<Integer>> all = read(key.group(), key.project());
    List<Integer> rounds = new ArrayList<>(all.getOrDefault(alias, List.of()));
    Integer previous = rounds.isEmpty() ? null : rounds.get(0);
    if (previous == null || previous != key.round()) {
      rounds.add(0, key.round());
    }
    all.put(alias, rounds);
    write(key.group(), key.project(), all);
    return new Change(alias, key.round(), previous);
  }

  /**
   * Points an alias back at the round it named before.
   *
   * @return the change
   * @throws NoSuchElementException when there is no such alias
   * @throws IllegalStateException when it has named only one round
   */
  public synchronized Change rollback(String group, String project, String alias)
      throws IOException {
    Map<String, List<Integer>> all = read(group, project);
    List<Integer> rounds = all.get(alias);
    if (rounds == null) {
      throw new NoSuchElementException("no alias '" + alias + "' in " + group + "/" + project);
    }
    if (rounds.size() < 2) {
      throw new IllegalStateException("alias '" + alias + "' of " + group + "/" + project
          + " has named only round " + rounds.get(0) + ": nothing to roll back to");
    }
    List<Integer> rest = new ArrayList<>(rounds.subList(1, rounds.size()));
    all.put(alias, rest);
    write(group, project, all);
    return new Change(alias, rest.get(0), rounds.get(0));
  }

  /**
   * Removes an alias (its history goes with it).
   *
   * @return the change
   * @throws NoSuchElementException when there is no such alias
   */
  public synchronized Change remove(String group, String project, String alias)
      throws IOException {
    Map<String, List<Integer>> all = read(group, project);
    List<Integer> rounds = all.remove(alias);
    if (rounds == null) {
      throw new NoSuchElementException("no alias '" + alias + "' in " + group + "/" + project);
    }
    write(group, project, all);
    return new Change(alias, null, rounds.get(0));
  }

  private Path file(String group, String project) {
    return store.root().resolve(group).resolve(project).resolve(FILE);
  }

  private Map<String, List<Integer>> read(String group, String project) {
    Path f = file(group, project);
    try {
      return new LinkedHashMap<>(JSON.readValue(Files.readAllBytes(f),
          new TypeReference<LinkedHashMap<String, List<Integer>>>() {}));
    } catch (NoSuchFileException e) {
      return new LinkedHashMap<>();
    } catch (IOException e) {
      throw new IllegalStateException("aliases file " + f + " is not readable: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  private void write(String group, String project, Map<String, List<Integer>> all)
      throws IOException {
    Path f = file(group, project);
    Files.createDirectories(f.getParent());
    Path tmp = f.resolveSibling("." + FILE + ".tmp-" + UUID.randomUUID());
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
    try {
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
