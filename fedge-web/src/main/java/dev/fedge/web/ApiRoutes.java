package dev.fedge.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.web.view.EventInfo;
import dev.fedge.web.view.RoundInfo;
import dev.fedge.web.view.RunControl;
import dev.fedge.web.view.RunInfo;
import dev.fedge.web.view.ServerView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The JSON API under {@code /api/v1}: devices, runs and their rounds, the model registry, the event
 * log, the live event stream, and starting and stopping runs.
 */
final class ApiRoutes {

  static final String BASE = "/api/v1";
  private static final int MAX_EVENTS = 1000;

  private final ServerView all;
  private final Tenancy tenancy;
  private final RunControl control;
  private final ModelStore store;
  private final LiveUpdates live;

  ApiRoutes(
      ServerView view, RunControl control, ModelStore store, LiveUpdates live, Tenancy tenancy) {
    this.all = view;
    this.tenancy = tenancy;
    this.control = control;
    this.store = store;
    this.live = live;
  }

  void register(Javalin app) {
    app.get(BASE, this::index);
    app.get(
        BASE + "/devices",
        ctx -> ctx.json(view(ctx).devices().stream().map(JsonViews::device).toList()));
    app.get(
        BASE + "/devices/{id}",
        ctx ->
            ctx.json(
                JsonViews.device(
                    view(ctx).devices().stream()
                        .filter(d -> d.id().equals(ctx.pathParam("id")))
                        .findFirst()
                        .orElseThrow(
                            () ->
                                new NoSuchElementException(
                                    "no device '" + ctx.pathParam("id") + "'")))));
    app.get(BASE + "/fleet-profile", ctx -> ctx.contentType("application/yaml; charset=utf-8")
        .result(FleetExport.yaml(view(ctx).devices(), java.time.Instant.now())));
    app.get(BASE + "/runs", ctx -> ctx.json(view(ctx).runs().stream().map(JsonViews::run).toList()));
    app.post(BASE + "/runs", this::startRun);
    app.get(BASE + "/runs/{id}", ctx -> ctx.json(runJson(ctx, run(ctx, ctx.pathParam("id")))));
    app.post(BASE + "/runs/{id}/stop", this::stopRun);
    app.get(
        BASE + "/runs/{id}/rounds",
        ctx -> {
          run(ctx, ctx.pathParam("id"));
          ctx.json(view(ctx).rounds(ctx.pathParam("id")).stream().map(JsonViews::round).toList());
        });
    app.get(
        BASE + "/runs/{id}/steps",
        ctx -> {
          run(ctx, ctx.pathParam("id"));
          ctx.json(view(ctx).steps(ctx.pathParam("id")).stream().map(JsonViews::step).toList());
        });
    app.get(
        BASE + "/runs/{id}/rounds/{round}",
        ctx -> {
          String id = ctx.pathParam("id");
          run(ctx, id);
          int n = integer("round", ctx.pathParam("round"));
          ctx.json(
              JsonViews.round(
                  view(ctx).rounds(id).stream()
                      .filter(r -> r.round() == n)
                      .findFirst()
                      .orElseThrow(
                          () ->
                              new NoSuchElementException(
                                  "run '" + id + "' has no finished round " + n))));
        });
    app.get(BASE + "/events", this::events);
    app.before(BASE + "/stream", ApiRoutes::eventStreamOnly);
    app.sse(BASE + "/stream", live::add);
    app.get(BASE + "/models", ctx -> ctx.json(projects(ctx, null)));
    app.get(
        BASE + "/models/{group}",
        ctx -> {
          String group = name("group", ctx.pathParam("group"));
          List<Map<String, Object>> p = projects(ctx, group);
          if (p.isEmpty()) {
            throw new NoSuchElementException("no models in group '" + group + "'");
          }
          ctx.json(p);
        });
    app.get(BASE + "/models/{group}/{project}", this::projectRounds);
    app.get(BASE + "/models/{group}/{project}/{round}", ctx -> ctx.json(store.manifest(key(ctx))));
    app.get(BASE + "/models/{group}/{project}/{round}/" + ModelStore.MODEL_FILE, this::download);
  }

  private void index(Context ctx) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "fedge");
    m.put("api", "v1");
    m.put(
        "endpoints",
        List.of(
            "GET /api/v1/devices",
            "GET /api/v1/devices/{id}",
            "GET /api/v1/fleet-profile (YAML for fedge simulate --fleet)",
            "GET /api/v1/projects",
            "POST /api/v1/projects",
            "GET /api/v1/projects/{project}",
            "GET /api/v1/projects/{project}/tokens",
            "POST /api/v1/projects/{project}/tokens",
            "DELETE /api/v1/projects/{project}/tokens/{name}",
            "GET /api/v1/runs",
            "POST /api/v1/runs",
            "GET /api/v1/runs/{id}",
            "POST /api/v1/runs/{id}/stop",
            "GET /api/v1/runs/{id}/rounds",
            "GET /api/v1/runs/{id}/rounds/{round}",
            "GET /api/v1/runs/{id}/steps",
            "GET /api/v1/events?after={id}&limit={n}",
            "GET /api/v1/stream (server-sent events)",
            "GET /api/v1/models",
            "GET /api/v1/models/{group}",
            "GET /api/v1/models/{group}/{project}",
            "GET /api/v1/models/{group}/{project}/{round|latest}",
            "GET /api/v1/models/{group}/{project}/{round|latest}/model.safetensors",
            "GET /v1/models/{group.project[.round]}",
            "POST /v1/models/{group.project[.round]}:predict",
            "GET /metrics"));
    ctx.json(m);
  }

  /** Javalin opens a stream only for exactly this Accept header; say so instead of a blank 200. */
  private static void eventStreamOnly(Context ctx) {
    if (!"text/event-stream".equals(ctx.header("Accept"))) {
      throw new HttpError(
          406,
          "this is a server-sent event stream: send 'Accept: text/event-stream'"
              + " (browsers' EventSource does), got Accept: "
              + ctx.header("Accept"));
    }
  }

  private ServerView view(Context ctx) {
    return tenancy.view(ctx, all);
  }

  private RunInfo run(Context ctx, String id) {
    return view(ctx).run(id).orElseThrow(() -> new NoSuchElementException("no run '" + id + "'"));
  }

  private Map<String, Object> runJson(Context ctx, RunInfo r) {
    Map<String, Object> m = JsonViews.run(r);
    List<RoundInfo> rounds = view(ctx).rounds(r.id());
    if (!rounds.isEmpty()) {
      RoundInfo last = rounds.get(rounds.size() - 1);
      m.put("accuracy", JsonViews.num(last.accuracy()));
      m.put("loss", JsonViews.num(last.loss()));
    }
    return m;
  }

  private void startRun(Context ctx) {
    RunControl c = control();
    JsonNode body = body(ctx);
    if (!body.isObject()) {
      throw new IllegalArgumentException(
          "request body must be a JSON object of run settings (and steps), e.g. {\"rounds\": 5},"
              + " got "
              + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = JsonViews.MAPPER.convertValue(body, LinkedHashMap.class);
    tenancy.checkRun(ctx, settings);
    RunInfo r = c.startRun(settings, Tenancy.caller(ctx).project());
    tenancy.started(ctx, r.id());
    live.nudge();
    ctx.status(201).header("Location", BASE + "/runs/" + r.id()).json(JsonViews.run(r));
  }

  private void stopRun(Context ctx) {
    RunControl c = control();
    String id = ctx.pathParam("id");
    run(ctx, id);
    RunInfo r = c.stopRun(id);
    live.nudge();
    ctx.status(202).json(JsonViews.run(r));
  }

  private RunControl control() {
    if (control == null) {
      throw new UnsupportedOperationException(
          "this server cannot start or stop runs from the API (no run control wired)");
    }
    return control;
  }

  private static JsonNode body(Context ctx) {
    long limit = ctx.<Long>attribute(WebServer.BODY_LIMIT); // set by WebServer's before-handler
    byte[] bytes;
    try (InputStream in = ctx.bodyInputStream()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8L, limit + 1));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the request body: " + e.getMessage(), e);
    }
    if (bytes.length > limit) {
      ctx.header("Connection", "close");
      throw HttpError.tooLarge("more than " + limit + " bytes", limit);
    }
    if (bytes.length == 0) {
      throw new IllegalArgumentException("request body is empty: send a JSON object");
    }
    try {
      return JsonViews.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  static JsonNode jsonBody(Context ctx) {
    return body(ctx);
  }

  private void events(Context ctx) {
    int limit = ctx.queryParam("limit") == null ? 100 : integer("limit", ctx.queryParam("limit"));
    if (limit < 1 || limit > MAX_EVENTS) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_EVENTS + ", got " + limit);
    }
    List<EventInfo> events;
    if (ctx.queryParam("after") == null) {
      events = view(ctx).recentEvents(limit);
    } else {
      long after = longValue("after", ctx.queryParam("after"));
      events = view(ctx).events(after, limit);
    }
    ctx.json(events.stream().map(JsonViews::event).toList());
  }

  private List<Map<String, Object>> projects(Context ctx, String onlyGroup) {
    Map<String, Map<String, Object>> byProject = new LinkedHashMap<>();
    for (ModelKey k : store.list()) {
      if (onlyGroup != null && !k.group().equals(onlyGroup)
          || !tenancy.seesModel(ctx, k.group(), k.project())) {
        continue;
      }
      Map<String, Object> p =
          byProject.computeIfAbsent(
              k.group() + "/" + k.project(),
              x -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("group", k.group());
                m.put("project", k.project());
                m.put("name", k.group() + "." + k.project());
                m.put("rounds", new ArrayList<Integer>());
                return m;
              });
      @SuppressWarnings("unchecked")
      List<Integer> rounds = (List<Integer>) p.get("rounds");
      rounds.add(k.round());
      p.put("latest", k.round());
    }
    return new ArrayList<>(byProject.values());
  }

  private void projectRounds(Context ctx) throws IOException {
    String group = name("group", ctx.pathParam("group"));
    String project = name("project", ctx.pathParam("project"));
    List<Integer> rounds = store.rounds(group, project);
    if (rounds.isEmpty()) {
      throw new NoSuchElementException("no models for " + group + "/" + project);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int r : rounds) {
      ModelKey k = new ModelKey(group, project, r);
      Map<String, Object> man = store.manifest(k);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("group", group);
      m.put("project", project);
      m.put("round", r);
      m.put("name", group + "." + project + "." + r);
      m.put("created", man.get("created"));
      m.put("bytes", man.get("bytes"));
      m.put("sha256", man.get("sha256"));
      m.put("parameters", man.get("parameters"));
      Object prov = man.get("provenance");
      m.put("metrics", prov instanceof Map<?, ?> pm ? pm.get("metrics") : null);
      m.put(
          "download",
          BASE + "/models/" + group + "/" + project + "/" + r + "/" + ModelStore.MODEL_FILE);
      out.add(m);
    }
    ctx.json(out);
  }

  private ModelKey key(Context ctx) {
    String group = name("group", ctx.pathParam("group"));
    String project = name("project", ctx.pathParam("project"));
    String round = ctx.pathParam("round");
    if (round.equals("latest")) {
      Optional<ModelKey> k = store.latest(group, project);
      return k.orElseThrow(
          () -> new NoSuchElementException("no models for " + group + "/" + project));
    }
    int r = integer("round", round);
    if (r < 0) {
      throw new IllegalArgumentException("round must be >= 0 or 'latest', got '" + round + "'");
    }
    ModelKey k = new ModelKey(group, project, r);
    if (!Files.exists(store.modelFile(k))) {
      throw new NoSuchElementException("no model " + k + " in the registry");
    }
    return k;
  }

  private void download(Context ctx) throws IOException {
    ModelKey k = key(ctx);
    Path file = store.modelFile(k);
    try {
      long size = Files.size(file);
      String name = k.group() + "-" + k.project() + "-" + k.round() + ".safetensors";
      ctx.contentType("application/octet-stream")
          .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
          .header("Content-Length", Long.toString(size))
          .result(Files.newInputStream(file));
      ctx.res().setCharacterEncoding(null); // binary: no charset (Javalin sets UTF-8 by default)
    } catch (NoSuchFileException e) {
      throw new NoSuchElementException("no model " + k + " in the registry");
    }
  }

  private static String name(String what, String value) {
    ModelKey.checkName(what, value);
    return value;
  }

  static int integer(String what, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be an integer, got '" + value + "'");
    }
  }

  private static long longValue(String what, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be an integer, got '" + value + "'");
    }
  }
}
