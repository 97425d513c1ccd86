package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fedge.api.Config;
import dev.fedge.api.FitRes;
import dev.fedge.data.ImageDataset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each {@link ObjectiveTerm} against its formula, and {@link LocalObjective}'s composition. */
class ObjectiveTermsTest {

  private static final int N = 6;
  private static final int CLASSES = 4;

  private final Network network = new Cnn(1, 8, 8, CLASSES);
  private final Map<String, TensorSet> buffers = new HashMap<>();
  private Engine engine;
  private NDManager manager;
  private Batch batch;
  private int[] labels;

  @BeforeEach
  void setUp() {
    engine = Engine.getEngine(DjlRuntime.ENGINE);
    manager = engine.newBaseManager();
    ImageDataset data = SyntheticImages.create(N, 3, 1, 8, 8, CLASSES);
    batch = new Batch(manager, N, 1, 8, 8, CLASSES);
    batch.fill(data, null, 0, N);
    labels = batch.labels().clone();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private ObjectiveTerm.Run run(float[] global) {
    return new ObjectiveTerm.Run(
        network, global, batch, name -> buffers.computeIfAbsent(name, k -> set(false)));
  }

  private TensorSet set(boolean trainable) {
    return new TensorSet(manager, network.layout(), trainable);
  }

  private TensorSet params(float[] values) {
    TensorSet p = set(true);
    p.load(values);
    return p;
  }

  private ObjectiveTerm.Step step(NDArray logits, TensorSet params) {
    return new ObjectiveTerm.Step(manager, batch, logits, params.arrays());
  }

  private static float[][] rows(NDArray logits) {
    float[] flat = logits.toFloatArray();
    int c = (int) logits.getShape().get(1);
    float[][] out = new float[flat.length / c][c];
    for (int r = 0; r < out.length; r++) {
      System.arraycopy(flat, r * c, out[r], 0, c);
    }
    return out;
  }

  @Test
  void crossEntropyIsTheMeanNegativeLogLikelihoodOfTheTrueClass() {
    SplittableRandom rnd = new SplittableRandom(5);
    float[] z = new float[N * CLASSES];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) rnd.nextGaussian() * 3;
    }
    NDArray logits = manager.create(z, new Shape(N, CLASSES));
    CrossEntropy ce = new CrossEntropy();

    float loss = ce.loss(step(logits, set(false))).getFloat();

    double expected = 0;
    for (int r = 0; r < N; r++) {
      double sum = 0;
      for (int c = 0; c < CLASSES; c++) {
        sum += Math.exp(z[r * CLASSES + c]);
      }
      expected -= z[r * CLASSES + labels[r]] - Math.log(sum);
    }
    expected /= N;
    assertEquals(expected, loss, 1e-5);
    Map<String, Double> m = new HashMap<>();
    ce.metrics(2, null, null, m);
    assertEquals(loss / 2.0, m.get(FitRes.LOSS), 1e-12, "mean over the steps");
  }

  @Test
  void labelSmoothedCrossEntropyMatchesItsFormula() {
    SplittableRandom rnd = new SplittableRandom(7);
    float[] z = new float[N * CLASSES];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) rnd.nextGaussian() * 3;
    }
    NDArray logits = manager.create(z, new Shape(N, CLASSES));

    float loss = new CrossEntropy(0.1).loss(step(logits, set(false))).getFloat();
    float plain = new CrossEntropy().loss(step(logits, set(false))).getFloat();

    // target q = 0.9 on the true class + 0.1/K on every class; loss = -sum_k q_k log p_k
    double expected = 0;
    for (int r = 0; r < N; r++) {
      double sum = 0;
      for (int c = 0; c < CLASSES; c++) {
        sum += Math.exp(z[r * CLASSES + c]);
      }
      for (int c = 0; c < CLASSES; c++) {
        double q = 0.1 / CLASSES + (c == labels[r] ? 0.9 : 0);
        expected -= q * (z[r * CLASSES + c] - Math.log(sum));
      }
    }
    expected /= N;
    assertEquals(expected, loss, 1e-5);
    assertTrue(Math.abs(loss - plain) > 1e-4, "smoothing changes the loss");
    assertThrows(IllegalArgumentException.class, () -> new CrossEntropy(1.0));
    assertEquals(
        0.1, TrainSettings.from(Config.of("label_smoothing", 0.1)).labelSmoothing(), 0);
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainSettings.from(Config.of("label_smoothing", -0.5)));
  }

  @Test
  void crossEntropyWithoutStepsReportsZero() {
    Map<String, Double> m = new HashMap<>();
    new CrossEntropy().metrics(0, null, null, m);
    assertEquals(0.0, m.get(FitRes.LOSS));
  }

  @Test
  void proximalTermIsZeroAtTheGlobalModel() {
    float[] global = network.initialize(1);
    ProximalTerm prox = new ProximalTerm(0.3);
    prox.begin(run(global));

    assertEquals(0f, prox.loss(step(null, params(global))).getFloat());
  }

  @Test
  void proximalTermIsHalfMuTimesTheSquaredDistanceAndItsGradientIsTheClosedForm() {
    float[] global = network.initialize(1);
    float[] w = network.initialize(2);
    double mu = 0.3;
    ProximalTerm prox = new ProximalTerm(mu);
    prox.begin(run(global));
    TensorSet p = params(w);

    NDArray[] grads;
    float value;
    try (GradientCollector gc = engine.newGradientCollector()) {
      NDArray loss = prox.loss(step(null, p));
      value = loss.getFloat();
      gc.backward(loss);
      grads = p.arrays();
    }

    double squared = 0;
    for (int i = 0; i < w.length; i++) {
      double d = w[i] - global[i];
      squared += d * d;
    }
    assertEquals(mu / 2 * squared, value, 1e-4 * mu / 2 * squared);
    // The closed form the SGD step applies instead: mu * (w - w_global).
    assertEquals(Optional.of(new ObjectiveTerm.ClosedForm(mu)), prox.closedForm());
    float[] g0 = grads[0].getGradient().toFloatArray();
    float[] expected = new float[g0.length];
    for (int i = 0; i < g0.length; i++) {
      expected[i] = (float) (mu * (w[i] - global[i]));
    }
    assertArrayEquals(expected, g0, 1e-6f);
    Map<String, Double> m = new HashMap<>();
    prox.metrics(3, global, w, m);
    assertEquals(mu / 2 * squared, m.get(DjlLocalTrainer.PROXIMAL_TERM), 1e-12);
  }

  @Test
  void proximalTermRefusesANegativeMu() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ProximalTerm(-0.1));
    assertTrue(e.getMessage().contains("-0.1"), e.getMessage());
  }

  @Test
  void notTrueDistillationIsZeroWhenLocalAndGlobalPredictionsAgree() {
    float[] global = network.initialize(1);
    NotTrueDistillationTerm ntd = new NotTrueDistillationTerm(2, 1);
    ntd.begin(run(global));
    TensorSet p = params(global);
    NDArray logits = network.forward(p.arrays(), batch.input());

    assertEquals(0f, ntd.loss(step(logits, p)).getFloat());
  }

  @Test
  void notTrueDistillationIsBetaTauSquaredTimesTheReferenceDivergence() {
    float[] global = network.initialize(1);
    float[] local = network.initialize(2);
    double tau = 2;
    double beta = 0.5;
    NotTrueDistillationTerm ntd = new NotTrueDistillationTerm(tau, beta);
    ntd.begin(run(global));
    TensorSet p = params(local);
    TensorSet g = params(global);
    NDArray logits = network.forward(p.arrays(), batch.input());
    float[][] teacher = rows(network.forward(g.arrays(), batch.input()));

    float value = ntd.loss(step(logits, p)).getFloat();

    double expected = NotTrueDistillation.loss(rows(logits), teacher, labels, tau, beta);
    assertTrue(expected > 0, "different models disagree: " + expected);
    assertEquals(expected, value, 1e-4 * expected);
    Map<String, Double> m = new HashMap<>();
    ntd.metrics(1, global, local, m);
    assertEquals(expected / (beta * tau * tau), m.get(DjlLocalTrainer.NTD_LOSS), 1e-4 * expected);
  }

  @Test
  void settingsMapToTheirTermsInOrder() {
    Config base = Config.of("lr", 0.1);
    List<ObjectiveTerm> ce = LocalObjective.from(TrainSettings.from(base)).terms();
    List<ObjectiveTerm> prox =
        LocalObjective.from(TrainSettings.from(base.with("proximal_mu", 0.2))).terms();
    List<ObjectiveTerm> ntd =
        LocalObjective.from(TrainSettings.from(base.with("objective", "fedntd"))).terms();

    assertEquals(1, ce.size());
    assertInstanceOf(CrossEntropy.class, ce.get(0));
    assertEquals(2, prox.size());
    assertInstanceOf(CrossEntropy.class, prox.get(0));
    assertEquals(0.2, assertInstanceOf(ProximalTerm.class, prox.get(1)).mu());
    assertEquals(2, ntd.size());
    assertInstanceOf(CrossEntropy.class, ntd.get(0));
    assertInstanceOf(NotTrueDistillationTerm.class, ntd.get(1));
  }

  @Test
  void objectiveSumsTheAutogradTermsAndLeavesClosedFormsToTheSgdStep() {
    float[] global = network.initialize(1);
    float[] local = network.initialize(2);
    TensorSet p = params(local);
    NDArray logits = network.forward(p.arrays(), batch.input());
    ObjectiveTerm.Step s = step(logits, p);
    float ce = new CrossEntropy().loss(s).getFloat();
    NotTrueDistillationTerm alone = new NotTrueDistillationTerm(1, 1);
    alone.begin(run(global));
    float kl = alone.loss(s).getFloat();

    LocalObjective withNtd = LocalObjective.of(new CrossEntropy(), new NotTrueDistillationTerm(1, 1));
    withNtd.begin(run(global));
    LocalObjective withProx = LocalObjective.of(new CrossEntropy(), new ProximalTerm(0.5));
    withProx.begin(run(global));

    assertEquals(ce + kl, withNtd.loss(s).getFloat());
    assertEquals(ce, withProx.loss(s).getFloat());
    assertEquals(Optional.empty(), withNtd.closedForm());
    assertEquals(Optional.of(new ObjectiveTerm.ClosedForm(0.5)), withProx.closedForm());
    assertEquals(
        List.of(FitRes.LOSS, DjlLocalTrainer.PROXIMAL_TERM),
        List.copyOf(withProx.metrics(1, global, local).keySet()));
  }

  @Test
  void objectiveRefusesTwoClosedFormTerms() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalObjective.of(new CrossEntropy(), new ProximalTerm(1), new ProximalTerm(2)));
    assertTrue(e.getMessage().contains("at most one"), e.getMessage());
  }
}
