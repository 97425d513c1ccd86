package dev.fedge.ml;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A client's {@link LocalTrainer} on a shared {@link DjlRuntime}: SGD (with optional momentum and
 * weight decay; momentum buffers start from zero every round, as clients are stateless between
 * rounds) on the client's training images, with the objective named by the config ({@link
 * Objective}: cross-entropy, FedProx, FedNTD). The settings are read with {@link
 * TrainSettings#from(Config)}.
 *
 * <p>Shuffling is seeded from the config's {@code seed} (default: the runtime's seed), {@code
 * round} and the client's index, so a run is reproducible.
 *
 * <p>Personal layers: with {@code local_layers} (a regular expression over tensor names), the
 * trainer keeps its own copy of the matching tensors. On fit, the incoming values of those tensors
 * are replaced by the kept ones (once it has them), and after training the trained values are kept
 * again, unless training diverged (a value is not finite: the kept ones stay). Evaluation with
 * {@code personal=true} also uses the kept tensors. This serves FedPav's partial averaging and
 * local-only training.
 *
 * <p>With {@code max_steps} (deadline-sized local work) training stops after that many steps,
 * whatever the epochs.
 *
 * <p>A re-identification trainer ({@link #reid}) evaluates by retrieval on a query and a gallery
 * ({@link ReidEvaluation}: {@code rank1}, {@code rank5}, {@code rank10}, {@code mAP}).
 *
 * <p>Fit metrics: {@code loss} (mean cross-entropy of the steps), {@code num_steps}, {@code
 * train_images} and {@code train_seconds} (the device's measured speed), and with
 * FedNTD {@code ntd_loss} (mean not-true KL divergence), with FedProx {@code proximal_term} ({@code
 * mu/2 * ||w - w_global||^2} of the returned model).
 */
public final class DjlLocalTrainer implements LocalTrainer {

  /** Fit metric: mean not-true divergence (FedNTD). */
  public static final String NTD_LOSS = "ntd_loss";

  /** Fit metric: the proximal term of the returned model (FedProx). */
  public static final String PROXIMAL_TERM = "proximal_term";

  /** Evaluation batch size when the config has no {@code batch_size}. */
  public static final int DEFAULT_EVAL_BATCH = 128;

  private final DjlRuntime runtime;
  private final ImageDataset train;
  private final ImageDataset test;
  private final ReidEvaluation reid;
  private final int clientIndex;
  private final Map<String, float[]> personal = new HashMap<>();

  /**
   * Binds a client's data to a runtime.
   *
   * @param runtime the shared runtime
   * @param train training images
   * @param test test images, or null when the client has none (evaluation then reports 0 examples)
   * @param clientIndex the client's index (>= 0), part of its shuffling seed
   */
  public DjlLocalTrainer(
      DjlRuntime runtime, ImageDataset train, ImageDataset test, int clientIndex) {
    this(runtime, train, test, null, clientIndex);
  }

  /**
   * Binds a client's re-identification training data to a runtime whose model is a {@link
   * ReidNet}: evaluation is retrieval (CMC and mAP) on the given query and gallery.
   *
   * @param runtime the shared runtime
   * @param train training images, labelled by identity
   * @param evaluation the client's retrieval evaluation, or null for none (0 examples)
   * @param clientIndex the client's index (>= 0), part of its shuffling seed
   * @return the trainer
   */
  public static DjlLocalTrainer reid(
      DjlRuntime runtime, ImageDataset train, ReidEvaluation evaluation, int clientIndex) {
    if (runtime != null && !runtime.embeds()) {
      throw new IllegalArgumentException("trainer: model '" + runtime.network().name()
          + "' is not a re-identification model");
    }
    return new DjlLocalTrainer(runtime, train, null, evaluation, clientIndex);
  }

  private DjlLocalTrainer(DjlRuntime runtime, ImageDataset train, ImageDataset test,
      ReidEvaluation reid, int clientIndex) {
    if (runtime == null) {
      throw new IllegalArgumentException("trainer: runtime must not be null");
    }
    if (clientIndex < 0) {
      throw new IllegalArgumentException("trainer: clientIndex must be >= 0, got " + clientIndex);
    }
    runtime.checks().data(train, "trainer train data");
    if (test != null) {
      runtime.checks().data(test, "trainer test data");
    }
    this.runtime = runtime;
    this.train = train;
    this.test = test;
    this.reid = reid;
    this.clientIndex = clientIndex;
  }

  /** {@inheritDoc} */
  @Override
  public ParameterLayout layout() {
    return runtime.layout();
  }

  /** The client's index. */
  public int clientIndex() {
    return clientIndex;
  }

  /** {@inheritDoc} */
  @Override
  public FitRes fit(FitIns ins) {
    runtime.checks().parameters(ins.parameters(), "fit");
    TrainSettings s = TrainSettings.from(ins.config());
    float[] global = ins.parameters().values();
    float[] start = s.localLayers().isPresent() ? withPersonal(global) : global;
    long runSeed = ins.config().getLong(ConfigKeys.SEED, runtime.seed());
    long round = ins.config().getLong(ConfigKeys.ROUND, 0);
    DjlRuntime.TrainResult r =
        runtime.train(start, train, s, LocalObjective.from(s), shuffleSeed(runSeed, round));
    // a diverged training's update is rejected by the server's update checks; its layers must
    // not be kept either, or every later round would start from them (FedPav's head: one NaN
    // round would make all the client's later updates NaN)
    if (s.localLayers().isPresent() && allFinite(r.values())) {
      keep(r.values(), s.localLayers().get());
    }
    Map<String, Double> terms = new LinkedHashMap<>(r.metrics());
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (terms.containsKey(FitRes.LOSS)) {
      metrics.put(FitRes.LOSS, terms.remove(FitRes.LOSS));
    }
    metrics.put(FitRes.NUM_STEPS, (double) r.steps());
    metrics.put(FitRes.TRAIN_STEPS, (double) r.timedSteps());
    metrics.put(FitRes.TRAIN_IMAGES, (double) r.images());
    metrics.put(FitRes.TRAIN_SECONDS, r.seconds());
    metrics.putAll(terms);
    return new FitRes(new Parameters(layout(), r.values()), train.size(), metrics);
  }

  /** {@inheritDoc} */
  @Override
  public EvaluateRes evaluate(EvaluateIns ins) {
    runtime.checks().parameters(ins.parameters(), "evaluate");
    if (test == null && reid == null) {
      return new EvaluateRes(0, 0, Map.of());
    }
    int batch = ins.config().getInt(ConfigKeys.BATCH_SIZE, DEFAULT_EVAL_BATCH);
    Parameters p = ins.parameters();
    if (ins.config().getBoolean(ConfigKeys.PERSONAL, false) && !personal.isEmpty()) {
      p = new Parameters(layout(), withPersonal(p.values()));
    }
    return reid != null ? reid.evaluate(p, batch) : runtime.evaluate(p, test, batch);
  }

  /** Names of the tensors this client keeps for itself (empty until a fit with local layers). */
  public java.util.Set<String> personalTensors() {
    return java.util.Set.copyOf(personal.keySet());
  }

  private long shuffleSeed(long runSeed, long round) {
    long h = runSeed;
    h = h * 0x9E3779B97F4A7C15L + round;
    h = h * 0xBF58476D1CE4E5B9L + clientIndex;
    return h;
  }

  private float[] withPersonal(float[] global) {
    float[] v = global.clone();
    ParameterLayout layout = layout();
    for (int i = 0; i < layout.count(); i++) {
      float[] mine = personal.get(layout.tensors().get(i).name());
      if (mine != null) {
        System.arraycopy(mine, 0, v, layout.offset(i), mine.length);
      }
    }
    return v;
  }

  private static boolean allFinite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  private void keep(float[] trained, Pattern pattern) {
    ParameterLayout layout = layout();
    for (int i = 0; i < layout.count(); i++) {
      String name = layout.tensors().get(i).name();
      if (pattern.matcher(name).matches()) {
        int off = layout.offset(i);
        personal.put(
            name, java.util.Arrays.copyOfRange(trained, off, off + layout.tensors().get(i).size()));
      }
    }
  }
}
