package dev.fedge.server;

import dev.fedge.api.Strategy;
import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.data.reid.FashionReidProxy;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.Models;
import dev.fedge.ml.ReidEvaluation;
import dev.fedge.ml.ReidNet;
import dev.fedge.server.FederationServer.RunFactory;
import dev.fedge.server.FederationServer.RunSetup;
import dev.fedge.server.net.RemoteClient;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.Widths;
import dev.fedge.server.sim.ReidTask;
import dev.fedge.server.settings.RunSettingsBinder;
import dev.fedge.server.settings.RunSpecs;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.store.ModelProvenance;
import dev.fedge.strategy.HeteroFl;
import dev.fedge.strategy.Strategies;
import java.io.IOException;
import java.util.Map;

/**
 * The server's standard runs: a DJL model on an image data set. The data set gives the input
 * shape and the central test set, {@link Strategies} the strategy; the spec's settings are read as
 * {@link RunSettings} ({@link RunSpecs#settings}).
 */
final class StandardRuns implements RunFactory {

  /** The setting keys read here, with the server's defaults, as a spec keeps them. */
  static final Map<String, String> SETTINGS = RunSpecs.of(
      RunSettingsBinder.bind(RunSettingsBinder.Use.SERVER, Map.of())).settings();

  @Override
  public RunSetup create(RunSpec spec) throws IOException {
    RunSettings s = RunSpecs.settings(spec);
    if (s.reid() && ReidTask.real(s.dataset())) {
      Strategy strategy = Strategies.create(s.strategy(), s.strategyOpts(),
          s.strategySettings(spec.minClients()));
      return reidReal(s, strategy, !Boolean.FALSE.equals(strategy.provenance()
          .get("global_model")) && !strategy.name().equals("local-only"));
    }
    DataSplit split = Datasets.load(s.dataset(), s.dataPath());
    ImageDataset test = s.testLimit() > 0 ? split.test().head(s.testLimit()) : split.test();
    Strategy strategy = Strategies.create(s.strategy(), s.strategyOpts(),
        s.strategySettings(spec.minClients()));
    boolean global = !Boolean.FALSE.equals(strategy.provenance().get("global_model"))
        && !strategy.name().equals("local-only");
    if (s.reid()) {
      return reid(s, split, test, strategy, global);
    }
    DjlRuntime runtime = DjlRuntime.create(s.model(), test.channels(), test.height(),
        test.width(), test.numClasses(), s.seed(), s.threads());
    CentralEvaluator evaluator = global ? (round, g) -> runtime.evaluate(g, test, 256) : null;
    if (s.widthSettings() != null) {
      return heteroFl(s, test, strategy, runtime, evaluator);
    }
    return new RunSetup(strategy, runtime.initialParameters(), evaluator, runtime,
        ModelProvenance.input(test));
  }

  /**
   * A re-identification run on a real layout (VeRi-776, Market-1501; docs/REID.md): the embedding
   * model with a classifier row per training identity of the whole training split (the devices
   * number them alike, {@code LocalData}), evaluated centrally by retrieval on the real query and
   * gallery ({@code test-limit} caps them together) under the standard protocol. The training
   * images are not decoded here: the devices train on theirs.
   */
  private static RunSetup reidReal(RunSettings s, Strategy strategy, boolean global)
      throws IOException {
    ReidTask.Central c = ReidTask.central(s.dataset(), s.dataPath(), s.testLimit());
    ReidNet net = new ReidNet(s.model(), 3, c.gallery().images().height(),
        c.gallery().images().width(), c.trainIdentities(), ReidTask.EMBEDDING_DIM);
    DjlRuntime runtime = DjlRuntime.create(net, s.seed(), s.threads());
    ReidEvaluation retrieval = new ReidEvaluation(runtime, c.query(), c.gallery());
    CentralEvaluator evaluator = global ? (round, g) -> retrieval.evaluate(g, 256) : null;
    Map<String, Object> input = new java.util.LinkedHashMap<>(
        ModelProvenance.input(c.gallery().images()));
    input.put("task", Map.of("name", "reid", "model", net.name(), "embedding_dim",
        ReidTask.EMBEDDING_DIM, "evaluation", c.description()));
    return new RunSetup(strategy, runtime.initialParameters(), evaluator, runtime, input);
  }

  /**
   * A HeteroFL run ({@code widths}): a runtime per width (the submodels' layouts, and their
   * central evaluation, {@code accuracy_w<width>}), each device's width by {@link DeviceWidths}
   * from its registered memory and measured speed, and {@link HeteroFl}'s aggregation.
   */
  private static RunSetup heteroFl(RunSettings s, ImageDataset test, Strategy strategy,
      DjlRuntime runtime, CentralEvaluator evaluator) {
    Widths widths = s.widthSettings();
    Map<Double, DjlRuntime> runtimes = new java.util.LinkedHashMap<>();
    runtimes.put(1.0, runtime);
    AutoCloseable all = () -> runtimes.values().forEach(DjlRuntime::close);
    try {
      for (double w : widths.distinct()) {
        if (w < 1) {
          runtimes.put(w, DjlRuntime.create(Models.widthName(s.model(), w), test.channels(),
              test.height(), test.width(), test.numClasses(), s.seed(), s.threads()));
        }
      }
    } catch (RuntimeException e) {
      runtimes.values().forEach(DjlRuntime::close);
      throw e;
    }
    DeviceWidths widthOf = new DeviceWidths(widths,
        w -> runtimes.get(w).layout().totalSize(),
        c -> c instanceof RemoteClient r && r.speed().measured() ? r.speed().imagesPerSecond()
            : Double.NaN);
    Strategy hetero = new HeteroFl(strategy, widths.distinct(), widthOf,
        w -> runtimes.get(w).layout(),
        evaluator == null ? null : (w, p) -> runtimes.get(w).evaluate(p, test, 256));
    return new RunSetup(hetero, runtime.initialParameters(), evaluator, all,
        ModelProvenance.input(test));
  }

  /**
   * A re-identification run on the Fashion-MNIST proxy (docs/REID.md): the embedding model on the
   * model's backbone, with a classifier row per training identity (classes 0-6; the devices train
   * on their images of those), evaluated centrally by retrieval (CMC rank-1/5/10, mAP) on query
   * and gallery images of the held-out classes of the test set, with the proxy's random cameras.
   */
  private static RunSetup reid(RunSettings s, DataSplit split, ImageDataset test,
      Strategy strategy, boolean global) {
    ReidTask.check(s.dataset());
    FashionReidProxy.Splits proxy = FashionReidProxy.build(new DataSplit(split.train(), test),
        ReidTask.CAMERAS, ReidTask.QUERY_FRACTION, s.seed());
    ReidNet net = new ReidNet(s.model(), test.channels(), test.height(), test.width(),
        FashionReidProxy.TRAIN_CLASSES, ReidTask.EMBEDDING_DIM);
    DjlRuntime runtime = DjlRuntime.create(net, s.seed(), s.threads());
    ReidEvaluation retrieval = new ReidEvaluation(runtime, proxy.query(), proxy.gallery());
    CentralEvaluator evaluator = global ? (round, g) -> retrieval.evaluate(g, 256) : null;
    Map<String, Object> input = new java.util.LinkedHashMap<>(ModelProvenance.input(test));
    input.put("task", Map.of("name", "reid", "model", net.name(), "embedding_dim",
        ReidTask.EMBEDDING_DIM, "evaluation", String.format(java.util.Locale.ROOT,
            "reid proxy (open-set retrieval, not re-identification): %d queries and %d gallery "
            + "images of identities %d-9, %d random cameras", proxy.query().size(),
            proxy.gallery().size(), FashionReidProxy.TRAIN_CLASSES, ReidTask.CAMERAS)));
    return new RunSetup(strategy, runtime.initialParameters(), evaluator, runtime, input);
  }
}
