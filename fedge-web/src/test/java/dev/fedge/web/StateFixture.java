package dev.fedge.web;

import dev.fedge.api.ClientFailure;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Telemetry;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.RoundResult;
import dev.fedge.server.state.DeviceRecord;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateStore;
import dev.fedge.web.view.RunControl;
import dev.fedge.web.view.RunInfo;
import dev.fedge.web.view.ServerView;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Writes server state the way the federation server does, through fedge-server's {@link StateStore}
 * into a real SQLite file; and a {@link RunControl} that creates and stops runs in it, as the
 * server does when asked.
 */
final class StateFixture implements RunControl {

  final StateStore state;
  private final ServerView view;
  private final Map<String, RunSpec> specs = new HashMap<>();

  StateFixture(StateStore state, ServerView view) {
    this.state = state;
    this.view = view;
  }

  static RunSpec spec(String id, int rounds, Map<String, String> settings) {
    return new RunSpec(
        id, "lab", "fmnist", rounds, 2, 1, Duration.ofSeconds(30), "float32", settings);
  }

  void device(String id, String deviceClass, Telemetry telemetry) {
    DeviceFacts facts =
        new DeviceFacts(
            "Linux 6.1",
            deviceClass.equals("raspberry-pi") ? "aarch64" : "amd64",
            4,
            4L << 30,
            1L << 30,
            "none",
            deviceClass,
            Map.of("host", id));
    String now = Instant.now().toString();
    state.saveDevice(
        new DeviceRecord(
            id, name(id), facts, "0".repeat(64), false, "127.0.0.1:1", now, now, telemetry));
    state.event(EventRecord.REGISTERED, null, null, id, id + " registered");
  }

  /** Device names as the client registry gives them: the host name; ids are short. */
  static String name(String id) {
    return id + ".local";
  }

  RunSpec run(String id, int rounds) {
    RunSpec spec =
        spec(id, rounds, Map.of("strategy", "fedavg", "model", "cnn", "dataset", "fashion-mnist"));
    state.createRun(spec);
    specs.put(id, spec);
    return spec;
  }

  /** Creates a run of any model group and project. */
  RunSpec run(RunSpec spec) {
    state.createRun(spec);
    specs.put(spec.id(), spec);
    return spec;
  }

  /** A re-identification round: central retrieval metrics, no accuracy. */
  void reidRound(String runId, int round, double rank1, double mAP, List<String> ok) {
    Parameters p = Parameters.zeros(ParameterLayout.of(new TensorSpec("w", new int[] {2})));
    RoundResult r = new RoundResult(round, true, p, Map.of("train_loss", 0.5),
        Optional.of(new EvaluateRes(Double.NaN, 300,
            Map.of("rank1", rank1, "rank5", rank1, "rank10", rank1, "mAP", mAP))),
        Optional.empty(), ok, List.of(), Duration.ofSeconds(3));
    Map<String, Integer> examples = new HashMap<>();
    ok.forEach(c -> examples.put(c, 100));
    state.completeRound(specs.get(runId), r, "0".repeat(64), examples);
  }

  void round(
      String runId,
      int round,
      double accuracy,
      double loss,
      List<String> ok,
      List<ClientFailure> failed,
      double seconds) {
    Parameters p = Parameters.zeros(ParameterLayout.of(new TensorSpec("w", new int[] {2})));
    RoundResult r =
        new RoundResult(
            round,
            true,
            p,
            Map.of("train_loss", loss + 0.2),
            Optional.of(
                new EvaluateRes(
                    loss, 100, Double.isNaN(accuracy) ? Map.of() : Map.of("accuracy", accuracy))),
            Optional.empty(),
            ok,
            failed,
            Duration.ofMillis(Math.round(seconds * 1000)));
    Map<String, Integer> examples = new HashMap<>();
    ok.forEach(c -> examples.put(c, 100));
    state.completeRound(specs.get(runId), r, "0".repeat(64), examples);
  }

  @Override
  public RunInfo startRun(Map<String, Object> settings) {
    Map<String, String> s = new LinkedHashMap<>();
    int rounds = 3;
    for (Map.Entry<String, Object> e : settings.entrySet()) {
      switch (e.getKey()) {
        case "rounds" -> {
          if (!(e.getValue() instanceof Integer n) || n < 1) {
            throw new IllegalArgumentException(
                "rounds must be a positive integer, got " + e.getValue());
          }
          rounds = n;
        }
        case "strategy", "model", "dataset" -> s.put(e.getKey(), String.valueOf(e.getValue()));
        default -> throw new IllegalArgumentException("unknown run setting '" + e.getKey() + "'");
      }
    }
    if (state.unfinishedRun().isPresent()) {
      throw new IllegalStateException(
          "run '" + state.unfinishedRun().get().id() + "' is still running");
    }
    String id = "run-" + (state.runs().size() + 1);
    RunSpec spec = spec(id, rounds, s);
    state.createRun(spec);
    specs.put(id, spec);
    state.event(EventRecord.RUN_STARTED, id, null, null, "run " + id + " started");
    return view.run(id).orElseThrow();
  }

  @Override
  public RunInfo stopRun(String runId) {
    RunRecord r =
        state.run(runId).orElseThrow(() -> new NoSuchElementException("no run '" + runId + "'"));
    if (!r.unfinished()) {
      throw new IllegalStateException("run '" + runId + "' is already " + r.status());
    }
    state.setStatus(runId, RunRecord.FAILED);
    state.event(EventRecord.RUN_FINISHED, runId, null, null, "run " + runId + " stopped");
    return view.run(runId).orElseThrow();
  }
}
