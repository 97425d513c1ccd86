package dev.fedge.web.predict;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import dev.fedge.server.store.ModelAliases;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Serves the models of a {@link ModelStore} for prediction under KServe-style names: {@code
 * group.project} is the project's latest round, {@code group.project.round} a pinned round.
 *
 * <p>Each request looks up the latest round in the store, so a newly saved round is served from the
 * next request on; loaded models are cached (a few at a time) and reloaded when their file changes.
 */
public final class ModelServing implements AutoCloseable {

  private static final int CACHE = 4;

  /**
   * A model ready to serve.
   *
   * @param name the name it was asked for
   * @param key the round it resolved to
   * @param spec its architecture and input
   * @param parameters its parameters
   */
  public record Served(String name, ModelKey key, InputSpec spec, Parameters parameters) {}

  private record Cached(Served served, FileTime modified) {}

  private final ModelStore store;
  private final ModelAliases aliases;
  private final Predictor predictor;
  private final Map<ModelKey, Cached> cache = new LinkedHashMap<>(8, 0.75f, true);

  /**
   * Serving over a store.
   *
   * @param store where the models are
   * @param predictor what runs them; closed with this
   */
  public ModelServing(ModelStore store, Predictor predictor) {
    this.store = store;
    this.aliases = new ModelAliases(store);
    this.predictor = predictor;
  }

  /** The registry it serves from. */
  public ModelStore store() {
    return store;
  }

  /**
   * Resolves a model name to a stored round.
   *
   * @param name {@code group.project}, {@code group.project.round} or {@code group.project.alias}
   *     (an alias set through the API, e.g. {@code production}); group and project may
   *     themselves hold dots, then the split that names a stored project wins
   * @return the round
   * @throws NoSuchElementException when no stored model has that name
   * @throws IllegalArgumentException when the name cannot be a model name
   */
  public ModelKey resolve(String name) {
    if (name == null || !name.matches("[A-Za-z0-9._-]+") || !name.contains(".")) {
      throw new IllegalArgumentException(
          "model name must be group.project or group.project.round, got '" + name + "'");
    }
    List<ModelKey> pinned = new ArrayList<>();
    int last = name.lastIndexOf('.');
    String tail = name.substring(last + 1);
    if (tail.matches("\\d{1,9}")) {
      int round = Integer.parseInt(tail);
      for (String[] gp : splits(name.substring(0, last))) {
        if (store.rounds(gp[0], gp[1]).contains(round)) {
          pinned.add(new ModelKey(gp[0], gp[1], round));
        }
      }
    }
    if (!pinned.isEmpty()) {
      return pinned.get(0);
    }
    if (tail.matches("[a-z][a-z0-9_-]{0,31}")) {
      for (String[] gp : splits(name.substring(0, last))) {
        Optional<ModelKey> aliased = aliases.get(gp[0], gp[1], tail);
        if (aliased.isPresent()) {
          return aliased.get();
        }
      }
    }
    for (String[] gp : splits(name)) {
      Optional<ModelKey> latest = store.latest(gp[0], gp[1]);
      if (latest.isPresent()) {
        return latest.get();
      }
    }
    throw new NoSuchElementException(
        "no model named '"
            + name
            + "' in the registry (names are "
            + "group.project for the latest round, group.project.round or group.project.alias)");
  }

  private static List<String[]> splits(String s) {
    List<String[]> out = new ArrayList<>();
    for (int i = s.indexOf('.'); i > 0 && i < s.length() - 1; i = s.indexOf('.', i + 1)) {
      String g = s.substring(0, i);
      String p = s.substring(i + 1);
      if (valid(g) && valid(p)) {
        out.add(new String[] {g, p});
      }
    }
    return out;
  }

  private static boolean valid(String name) {
    try {
      ModelKey.checkName("name", name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The model a name stands for now, loading it when it is new or changed.
   *
   * @param name a model name
   * @return the model
   * @throws NoSuchElementException when there is no such model
   * @throws IllegalStateException when it is stored but cannot be served (its manifest does not say
   *     its architecture, or its file is corrupt)
   */
  public Served load(String name) {
    ModelKey key = resolve(name);
    try {
      FileTime modified = Files.getLastModifiedTime(store.modelFile(key));
      synchronized (cache) {
        Cached c = cache.get(key);
        if (c != null && c.modified().equals(modified)) {
          return new Served(name, key, c.served().spec(), c.served().parameters());
        }
      }
      InputSpec spec;
      Parameters parameters;
      try {
        spec = InputSpec.fromManifest(store.manifest(key));
        parameters = store.load(key);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("cannot serve model " + key + ": " + e.getMessage(), e);
      }
      Served served = new Served(name, key, spec, parameters);
      synchronized (cache) {
        cache.put(key, new Cached(served, modified));
        while (cache.size() > CACHE) {
          ModelKey eldest = cache.keySet().iterator().next();
          cache.remove(eldest);
        }
      }
      return served;
    } catch (NoSuchFileException e) {
      throw new NoSuchElementException("model " + key + " was removed from the registry");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Predicts class probabilities for a KServe V1 request body.
   *
   * @param name the model name
   * @param body {@code {"instances": [...]}}
   * @return the model that answered and one row of probabilities per instance
   * @throws IllegalArgumentException when the instances are not what the model takes
   */
  public Prediction predict(String name, JsonNode body) {
    Served served = load(name);
    ImageDataset images = Instances.parse(body, served.spec());
    if (served.spec().embeds()) {
      return new Prediction(served, predictor.embed(served.spec(), served.parameters(), images));
    }
    return new Prediction(served, predictor.predict(served.spec(), served.parameters(), images));
  }

  /**
   * A prediction.
   *
   * @param served the model that made it
   * @param probabilities one row per instance: class probabilities, or for a re-identification
   *     model ({@link #embeddings()}) its embedding
   */
  public record Prediction(Served served, float[][] probabilities) {
    /** Whether the rows are embeddings (a re-identification model) rather than probabilities. */
    public boolean embeddings() {
      return served.spec().embeds();
    }
  }

  @Override
  public void close() {
    predictor.close();
  }
}
