package dev.fedge.server;

import dev.fedge.api.Strategy;
import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.server.FederationServer.RunFactory;
import dev.fedge.server.FederationServer.RunSetup;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.RunSettingsBinder;
import dev.fedge.server.settings.RunSpecs;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.store.ModelProvenance;
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
    DataSplit split = Datasets.load(s.dataset(), s.dataPath());
    ImageDataset test = s.testLimit() > 0 ? split.test().head(s.testLimit()) : split.test();
    Strategy strategy = Strategies.create(s.strategy(), s.strategyOpts(),
        s.strategySettings(spec.minClients()));
    DjlRuntime runtime = DjlRuntime.create(s.model(), test.channels(), test.height(),
        test.width(), test.numClasses(), s.seed(), s.threads());
    boolean global = !Boolean.FALSE.equals(strategy.provenance().get("global_model"))
        && !strategy.name().equals("local-only");
    CentralEvaluator evaluator = global ? (round, g) -> runtime.evaluate(g, test, 256) : null;
    return new RunSetup(strategy, runtime.initialParameters(), evaluator, runtime,
        ModelProvenance.input(test));
  }
}
