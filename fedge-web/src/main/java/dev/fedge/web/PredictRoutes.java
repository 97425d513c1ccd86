package dev.fedge.web;

import dev.fedge.server.store.ModelKey;
import dev.fedge.web.metrics.WebMetrics;
import dev.fedge.web.predict.ModelServing;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KServe V1 prediction protocol over the model registry: {@code GET /v1/models} (the servable
 * names), {@code GET /v1/models/{name}} (readiness) and {@code POST /v1/models/{name}:predict}.
 */
final class PredictRoutes {

  private static final String VERB = ":predict";

  private final ModelServing serving;
  private final WebMetrics metrics;
  private final Tenancy tenancy;

  PredictRoutes(ModelServing serving, WebMetrics metrics, Tenancy tenancy) {
    this.serving = serving;
    this.tenancy = tenancy;
    this.metrics = metrics;
  }

  void register(Javalin app) {
    app.get("/v1/models", this::list);
    app.get("/v1/models/{name}", this::ready);
    app.post("/v1/models/{name}", this::predict);
  }

  private void list(Context ctx) {
    Map<String, Integer> latest = new LinkedHashMap<>();
    for (ModelKey k : serving.store().list()) {
      if (!tenancy.seesModel(ctx, k.group(), k.project())) {
        continue;
      }
      latest.put(k.group() + "." + k.project(), k.round());
    }
    List<Map<String, Object>> models = new ArrayList<>();
    latest.forEach(
        (name, round) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", name);
          m.put("latest", round);
          models.add(m);
        });
    ctx.json(Map.of("models", models));
  }

  private void ready(Context ctx) {
    String name = ctx.pathParam("name");
    if (name.contains(":")) {
      throw new HttpError(405, "use POST for " + name);
    }
    ModelServing.Served s;
    try {
      s = serving.load(name);
    } catch (IllegalStateException e) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("ready", false);
      m.put("error", e.getMessage());
      ctx.status(503).json(m);
      return;
    }
    ctx.json(describe(s));
  }

  private void predict(Context ctx) {
    String full = ctx.pathParam("name");
    if (!full.endsWith(VERB)) {
      throw new HttpError(
          404,
          "no such endpoint: POST "
              + ctx.path()
              + " (did you mean POST "
              + ctx.path()
              + VERB
              + "?)");
    }
    String name = full.substring(0, full.length() - VERB.length());
    long t0 = System.nanoTime();
    ModelServing.Prediction p;
    try {
      p = serving.predict(name, ApiRoutes.jsonBody(ctx));
    } catch (IllegalStateException e) {
      throw new HttpError(503, e.getMessage());
    }
    List<Object> rows = new ArrayList<>(p.probabilities().length);
    for (float[] row : p.probabilities()) {
      List<Float> r = new ArrayList<>(row.length);
      for (float v : row) {
        r.add(v);
      }
      // a re-identification model answers each image's embedding, named as such
      rows.add(p.embeddings() ? Map.of("embedding", r) : r);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("predictions", rows);
    ModelKey k = p.served().key();
    ctx.header("X-Fedge-Model", k.group() + "." + k.project() + "." + k.round());
    ctx.json(out);
    metrics.predictionServed(Duration.ofNanos(System.nanoTime() - t0));
  }

  private static Map<String, Object> describe(ModelServing.Served s) {
    Map<String, Object> m = new LinkedHashMap<>();
    ModelKey k = s.key();
    m.put("name", s.name());
    m.put("ready", true);
    m.put("version", Integer.toString(k.round()));
    m.put("model", k.group() + "." + k.project() + "." + k.round());
    m.put("architecture", s.spec().model());
    m.put("dataset", s.spec().dataset());
    if (s.spec().embeds()) {
      m.put("task", "reid");
      m.put("embedding_dim", s.spec().embeddingDim());
      m.put("identities", s.spec().numClasses());
    } else {
      m.put("classes", s.spec().numClasses());
    }
    m.put(
        "input", "raw pixel values 0-255, one image per instance as " + s.spec().acceptedShapes());
    return m;
  }
}
