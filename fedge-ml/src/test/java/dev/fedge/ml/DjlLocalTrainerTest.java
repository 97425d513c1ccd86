package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DjlLocalTrainerTest {

  private static DjlRuntime runtime;
  private static ImageDataset train;
  private static ImageDataset test;

  @BeforeAll
  static void start() {
    runtime = DjlRuntime.create("cnn", 1, 28, 28, 10, 42, 1);
    train = SyntheticImages.create(400, 1, 1, 28, 28, 10);
    test = SyntheticImages.create(200, 2, 1, 28, 28, 10);
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  private static Config base() {
    return Config.of("lr", 0.05, "batch_size", 32, "round", 1, "seed", 9);
  }

  @Test
  void trainingLearnsTheSyntheticClassesAndReportsMetrics() {
    LocalTrainer trainer = runtime.trainer(train, test, 0);
    Parameters init = runtime.initialParameters();
    double before = trainer.evaluate(new EvaluateIns(init, Config.empty())).accuracy();

    FitRes res =
        trainer.fit(new FitIns(init, base().with("local_epochs", 2).with("momentum", 0.9)));
    EvaluateRes after = trainer.evaluate(new EvaluateIns(res.parameters(), Config.empty()));

    assertEquals(400, res.numExamples());
    assertEquals(2 * 13, res.metric("num_steps", -1)); // ceil(400 / 32) = 13 per epoch
    assertTrue(res.metric("loss", -1) > 0, "loss " + res.metrics());
    assertTrue(after.accuracy() > 0.9, "accuracy " + after.accuracy() + " (before " + before + ")");
    assertEquals(200, after.numExamples());
    assertTrue(after.loss() < Math.log(10), "loss " + after.loss());
  }

  @Test
  void maxSteps_stopsTrainingAfterThatManySteps_andReportsImagesAndSeconds() {
    LocalTrainer trainer = runtime.trainer(train, test, 0);
    Parameters init = runtime.initialParameters();

    FitRes capped = trainer.fit(new FitIns(init, base().with("local_epochs", 3)
        .with("max_steps", 5)));
    FitRes overEpochs = trainer.fit(new FitIns(init, base().with("max_steps", 100)));
    FitRes full = trainer.fit(new FitIns(init, base()));

    assertEquals(5, capped.metric("num_steps", -1));
    // the speed metrics time every step but the first (warm-up and set-up)
    assertEquals(4, capped.metric("train_steps", -1));
    assertEquals(4 * 32, capped.metric("train_images", -1));
    assertTrue(capped.metric("train_seconds", -1) > 0, capped.metrics().toString());
    assertEquals(13, overEpochs.metric("num_steps", -1)); // the epochs bound it: ceil(400 / 32)
    assertEquals(12, overEpochs.metric("train_steps", -1));
    assertEquals(400 - 32, overEpochs.metric("train_images", -1));
    assertArrayEquals(full.parameters().values(), overEpochs.parameters().values());
    assertFalse(Arrays.equals(full.parameters().values(), capped.parameters().values()));
    assertEquals(400, capped.numExamples());
  }

  @Test
  void sameSeedGivesTheSameResultAndMomentumDoesNotCarryOverRounds() {
    LocalTrainer trainer = runtime.trainer(train, test, 3);
    FitIns ins = new FitIns(runtime.initialParameters(), base().with("momentum", 0.9));

    FitRes a = trainer.fit(ins);
    FitRes b = trainer.fit(ins);
    FitRes otherRound = trainer.fit(new FitIns(ins.parameters(), ins.config().with("round", 2)));
    FitRes otherClient = runtime.trainer(train, test, 4).fit(ins);

    assertArrayEquals(a.parameters().values(), b.parameters().values());
    assertEquals(a.metric("loss", 0), b.metric("loss", 1));
    assertFalse(Arrays.equals(a.parameters().values(), otherRound.parameters().values()));
    assertFalse(Arrays.equals(a.parameters().values(), otherClient.parameters().values()));
  }

  @Test
  void fedProxWithLargeMuStaysNearTheGlobalModel() {
    LocalTrainer trainer = runtime.trainer(train, test, 0);
    Parameters global = runtime.initialParameters();

    FitRes ce = trainer.fit(new FitIns(global, base()));
    FitRes prox =
        trainer.fit(
            new FitIns(global, base().with("objective", "fedprox").with("proximal_mu", 20.0)));

    double dCe = distance(ce.parameters(), global);
    double dProx = distance(prox.parameters(), global);
    assertTrue(dProx < 0.2 * dCe, "fedprox moved " + dProx + ", plain SGD " + dCe);
    assertTrue(dProx > 0, "fedprox did not train");
    assertEquals(10.0 * dProx * dProx, prox.metric(DjlLocalTrainer.PROXIMAL_TERM, -1), 1e-3);
  }

  @Test
  void proximalMuAloneSelectsFedProx() {
    TrainSettings s = TrainSettings.from(Config.of("proximal_mu", 0.1));

    assertEquals(Objective.FEDPROX, s.objective());
    assertEquals(0.1, s.proximalMu());
  }

  @Test
  void fedNtdReportsItsDivergenceAndWithBetaZeroIsCrossEntropy() {
    LocalTrainer trainer = runtime.trainer(train, test, 1);
    Parameters global = runtime.initialParameters();

    FitRes ce = trainer.fit(new FitIns(global, base()));
    FitRes ntd0 =
        trainer.fit(new FitIns(global, base().with("objective", "fedntd").with("ntd_beta", 0.0)));
    FitRes ntd =
        trainer.fit(
            new FitIns(
                global,
                base().with("objective", "fedntd").with("ntd_beta", 5.0).with("ntd_tau", 2.0)));

    assertArrayEquals(ce.parameters().values(), ntd0.parameters().values(), 1e-6f);
    double kl = ntd.metric(DjlLocalTrainer.NTD_LOSS, -1);
    assertTrue(kl > 0 && Double.isFinite(kl), "ntd_loss " + kl);
    assertFalse(Arrays.equals(ce.parameters().values(), ntd.parameters().values()));
    assertTrue(distance(ntd.parameters(), global) > 0, "fedntd did not train");
  }

  @Test
  void personalLayersAreKeptByTheClient() {
    DjlLocalTrainer trainer = new DjlLocalTrainer(runtime, train, test, 2);
    ParameterLayout layout = runtime.layout();
    Parameters global1 = runtime.initialParameters();
    Parameters global2 = new Parameters(layout, runtime.network().initialize(77));
    Config frozen = Config.of("lr", 0.0, "local_layers", "head\\..*");

    FitRes first = trainer.fit(new FitIns(global1, frozen));
    FitRes second = trainer.fit(new FitIns(global2, frozen));

    assertEquals(java.util.Set.of("head.weight", "head.bias"), trainer.personalTensors());
    assertArrayEquals(global1.values(), first.parameters().values());
    assertArrayEquals(global1.tensor("head.weight"), second.parameters().tensor("head.weight"));
    assertArrayEquals(global1.tensor("head.bias"), second.parameters().tensor("head.bias"));
    assertArrayEquals(global2.tensor("fc1.weight"), second.parameters().tensor("fc1.weight"));

    EvaluateRes personal = trainer.evaluate(new EvaluateIns(global2, Config.of("personal", true)));
    EvaluateRes mixed = trainer.evaluate(new EvaluateIns(second.parameters(), Config.empty()));
    EvaluateRes plain = trainer.evaluate(new EvaluateIns(global2, Config.empty()));
    assertEquals(mixed.loss(), personal.loss(), 1e-9);
    assertTrue(Math.abs(plain.loss() - personal.loss()) > 1e-6);
  }

  @Test
  void evaluationWithoutTestDataHasNoExamples() {
    LocalTrainer trainer = runtime.trainer(train, null, 0);

    EvaluateRes res =
        trainer.evaluate(new EvaluateIns(runtime.initialParameters(), Config.empty()));

    assertEquals(0, res.numExamples());
  }

  @Test
  void badSettingsAndWrongModelsAreClearErrors() {
    LocalTrainer trainer = runtime.trainer(train, test, 0);
    Parameters p = runtime.initialParameters();

    IllegalArgumentException batch =
        assertThrows(
            IllegalArgumentException.class,
            () -> trainer.fit(new FitIns(p, Config.of("batch_size", 0))));
    IllegalArgumentException objective =
        assertThrows(
            IllegalArgumentException.class,
            () -> trainer.fit(new FitIns(p, Config.of("objective", "scaffold"))));
    IllegalArgumentException prox =
        assertThrows(
            IllegalArgumentException.class,
            () -> trainer.fit(new FitIns(p, Config.of("objective", "fedprox"))));
    Parameters other = Parameters.zeros(Models.create("cnn", 1, 28, 28, 5).layout());
    IllegalArgumentException layout =
        assertThrows(
            IllegalArgumentException.class, () -> trainer.fit(new FitIns(other, Config.empty())));
    ImageDataset rgb = SyntheticImages.create(10, 1, 3, 32, 32, 10);
    IllegalArgumentException data =
        assertThrows(IllegalArgumentException.class, () -> runtime.trainer(rgb, null, 0));

    assertTrue(batch.getMessage().contains("'batch_size'"), batch.getMessage());
    assertTrue(batch.getMessage().contains("0"), batch.getMessage());
    assertTrue(objective.getMessage().contains("'scaffold'"), objective.getMessage());
    assertTrue(prox.getMessage().contains("'proximal_mu'"), prox.getMessage());
    assertTrue(layout.getMessage().contains("'cnn'"), layout.getMessage());
    assertTrue(data.getMessage().contains("3x32x32"), data.getMessage());
  }

  private static double distance(Parameters a, Parameters b) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) {
      double d = a.values()[i] - b.values()[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
