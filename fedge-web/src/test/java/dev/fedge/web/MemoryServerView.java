package dev.fedge.web;

import dev.fedge.web.view.DeviceInfo;
import dev.fedge.web.view.EventInfo;
import dev.fedge.web.view.RoundInfo;
import dev.fedge.web.view.RunControl;
import dev.fedge.web.view.RunInfo;
import dev.fedge.web.view.ServerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/** A plain in-memory server state for tests of the web layer alone. */
final class MemoryServerView implements ServerView, RunControl {

  private final Map<String, DeviceInfo> devices = new LinkedHashMap<>();
  private final Map<String, RunInfo> runs = new LinkedHashMap<>();
  private final Map<String, List<RoundInfo>> rounds = new LinkedHashMap<>();
  private final List<EventInfo> events = new ArrayList<>();
  private int nextRun = 1;

  synchronized void device(DeviceInfo d) {
    devices.put(d.id(), d);
  }

  synchronized void run(RunInfo r) {
    runs.put(r.id(), r);
  }

  synchronized void round(RoundInfo r) {
    rounds.computeIfAbsent(r.runId(), k -> new ArrayList<>()).add(r);
    RunInfo run = runs.get(r.runId());
    runs.put(run.id(), new RunInfo(run.id(), run.group(), run.project(), run.status(), r.round(),
        run.rounds(), run.config(), run.created(), Instant.now()));
    event("round_completed", r.runId(), null, "round " + r.round() + " completed");
  }

  synchronized void event(String type, String runId, String clientId, String message) {
    events.add(new EventInfo(events.size() + 1, Instant.now(), type, runId, clientId, message));
  }

  @Override
  public synchronized List<DeviceInfo> devices() {
    return devices.values().stream()
        .sorted(Comparator.comparing((DeviceInfo d) -> !d.online()).thenComparing(DeviceInfo::id))
        .toList();
  }

  @Override
  public synchronized List<RunInfo> runs() {
    List<RunInfo> r = new ArrayList<>(runs.values());
    java.util.Collections.reverse(r);
    return r;
  }

  @Override
  public synchronized Optional<RunInfo> run(String runId) {
    return Optional.ofNullable(runs.get(runId));
  }

  @Override
  public synchronized List<RoundInfo> rounds(String runId) {
    return List.copyOf(rounds.getOrDefault(runId, List.of()));
  }

  @Override
  public synchronized List<EventInfo> events(long afterId, int limit) {
    return events.stream().filter(e -> e.id() > afterId).limit(limit).toList();
  }

  @Override
  public synchronized long lastEventId() {
    return events.size();
  }

  @Override
  public synchronized RunInfo startRun(Map<String, Object> settings) {
    for (String k : settings.keySet()) {
      if (!List.of("rounds", "strategy", "group", "project").contains(k)) {
        throw new IllegalArgumentException("unknown run setting '" + k + "'");
      }
    }
    if (runs.values().stream().anyMatch(r -> r.status().equals("running"))) {
      throw new IllegalStateException("a run is already running");
    }
    Object n = settings.getOrDefault("rounds", 3);
    if (!(n instanceof Integer rounds) || rounds < 1) {
      throw new IllegalArgumentException("rounds must be a positive integer, got " + n);
    }
    RunInfo r = new RunInfo("run-" + nextRun++, (String) settings.getOrDefault("group", "lab"),
        (String) settings.getOrDefault("project", "demo"), "running", 0, rounds, settings,
        Instant.now(), Instant.now());
    runs.put(r.id(), r);
    event("run_started", r.id(), null, "run " + r.id() + " started");
    return r;
  }

  @Override
  public synchronized RunInfo stopRun(String runId) {
    RunInfo run = runs.get(runId);
    if (run == null) {
      throw new NoSuchElementException("no run '" + runId + "'");
    }
    if (!run.status().equals("running")) {
      throw new IllegalStateException("run '" + runId + "' is " + run.status());
    }
    RunInfo stopped = new RunInfo(run.id(), run.group(), run.project(), "stopped", run.round(),
        run.rounds(), run.config(), run.created(), Instant.now());
    runs.put(runId, stopped);
    event("run_stopped", runId, null, "run " + runId + " stopped");
    return stopped;
  }
}
