package dev.fedge.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The Open Inference Protocol (KServe V2) beside V1, over the same models and the same
 * predictions: {@code GET /v2/health/live}, {@code GET /v2/health/ready}, {@code GET
 * /v2/models/{name}} (metadata), {@code GET /v2/models/{name}/ready} and {@code POST
 * /v2/models/{name}/infer}. A request's one input tensor ({@code shape} [N, H, W], [N, H, W, C] or
 * [N, C, H, W], raw pixel values 0-255 in any numeric {@code datatype}, {@code data} flat in
 * row-major order or nested) is read as V1's {@code instances} and answered by the same {@link
 * ModelServing#predict}, so V2 gives exactly what V1 gives; the output is {@code probabilities},
 * FP32, [N, classes]. Errors are {@code {"error": "..."}} with 400, 404 or 503, as the protocol
 * has them.
 */
final class InferenceV2Routes {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NUMERIC = Set.of("UINT8", "UINT16", "UINT32", "UINT64", "INT8",
      "INT16", "INT32", "INT64", "FP16", "FP32", "FP64");
  static final String OUTPUT = "probabilities";

  /** The output tensor's name for a re-identification model. */
  static final String EMBEDDING = "embedding";

  private final ModelServing serving;
  private final WebMetrics metrics;

  InferenceV2Routes(ModelServing serving, WebMetrics metrics) {
    this.serving = serving;
    this.metrics = metrics;
  }

  void register(Javalin app) {
    app.get("/v2/health/live", ctx -> ctx.json(Map.of("live", true)));
    app.get("/v2/health/ready", ctx -> ctx.json(Map.of("ready", true)));
    app.get("/v2", ctx -> ctx.json(Map.of("name", "fedge", "version", "0.1.0",
        "extensions", List.of())));
    app.get("/v2/models/{name}", this::metadata);
    app.get("/v2/models/{name}/ready", this::ready);
    app.post("/v2/models/{name}/infer", this::infer);
  }

  private ModelServing.Served load(String name) {
    try {
      return serving.load(name);
    } catch (NoSuchElementException e) {
      throw new HttpError(404, e.getMessage());
    } catch (IllegalStateException e) {
      throw new HttpError(503, e.getMessage());
    }
  }

  private void metadata(Context ctx) {
    ModelServing.Served s = load(ctx.pathParam("name"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("versions", List.of(Integer.toString(s.key().round())));
    m.put("platform", "fedge_djl_pytorch");
    m.put("inputs", List.of(Map.of("name", "input", "datatype", "UINT8",
        "shape", List.of(-1, s.spec().channels(), s.spec().height(), s.spec().width()))));
    m.put("outputs", List.of(s.spec().embeds()
        ? Map.of("name", EMBEDDING, "datatype", "FP32", "shape", List.of(-1, s.spec().embeddingDim()))
        : Map.of("name", OUTPUT, "datatype", "FP32", "shape", List.of(-1, s.spec().numClasses()))));
    ctx.json(m);
  }

  private void ready(Context ctx) {
    String name = ctx.pathParam("name");
    try {
      serving.load(name);
      ctx.json(Map.of("name", name, "ready", true));
    } catch (NoSuchElementException e) {
      throw new HttpError(404, e.getMessage());
    } catch (IllegalStateException e) {
      ctx.status(503).json(Map.of("name", name, "ready", false, "error", e.getMessage()));
    }
  }

  private void infer(Context ctx) {
    long t0 = System.nanoTime();
    String name = ctx.pathParam("name");
    JsonNode body = ApiRoutes.jsonBody(ctx);
    ObjectNode v1 = instances(body);
    ModelServing.Prediction p;
    try {
      p = serving.predict(name, v1);
    } catch (NoSuchElementException e) {
      throw new HttpError(404, e.getMessage());
    } catch (IllegalStateException e) {
      throw new HttpError(503, e.getMessage());
    }
    float[][] probs = p.probabilities();
    int k = probs.length == 0 ? 0 : probs[0].length;
    List<Float> data = new ArrayList<>(probs.length * k);
    for (float[] row : probs) {
      for (float v : row) {
        data.add(v);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model_name", name);
    ModelKey key = p.served().key();
    out.put("model_version", Integer.toString(key.round()));
    if (body.hasNonNull("id")) {
      out.put("id", body.get("id").asText());
    }
    out.put("outputs", List.of(Map.of("name", p.embeddings() ? EMBEDDING : OUTPUT,
        "datatype", "FP32",
        "shape", List.of(probs.length, k), "data", data)));
    ctx.header("X-Fedge-Model", key.group() + "." + key.project() + "." + key.round());
    ctx.json(out);
    metrics.predictionServed(Duration.ofNanos(System.nanoTime() - t0));
  }

  /**
   * A V2 request's input tensor as V1's {@code {"instances": [...]}}: one nested array per image,
   * of the tensor's shape without its first (batch) dimension.
   *
   * @throws HttpError 400 naming what is wrong with the request
   */
  static ObjectNode instances(JsonNode body) {
    if (body == null || !body.isObject() || !body.path("inputs").isArray()) {
      throw new HttpError(400, "request body must be a JSON object with an \"inputs\" array"
          + " (Open Inference Protocol: {\"inputs\": [{\"name\", \"shape\", \"datatype\","
          + " \"data\"}]})");
    }
    JsonNode inputs = body.get("inputs");
    if (inputs.size() != 1) {
      throw new HttpError(400, "\"inputs\" must hold one tensor (the images), got "
          + inputs.size());
    }
    JsonNode in = inputs.get(0);
    String type = in.path("datatype").asText("");
    if (!NUMERIC.contains(type)) {
      throw new HttpError(400, "inputs[0].datatype must be a numeric type such as UINT8 or FP32,"
          + " got '" + type + "'");
    }
    JsonNode shapeNode = in.path("shape");
    if (!shapeNode.isArray() || shapeNode.size() < 3 || shapeNode.size() > 4) {
      throw new HttpError(400, "inputs[0].shape must be [N, H, W], [N, H, W, C] or [N, C, H, W],"
          + " got " + shapeNode);
    }
    int[] shape = new int[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!shapeNode.get(i).canConvertToInt() || shapeNode.get(i).asInt() < 1) {
        throw new HttpError(400, "inputs[0].shape must hold positive sizes, got " + shapeNode);
      }
      shape[i] = shapeNode.get(i).asInt();
      count *= shape[i];
    }
    List<JsonNode> flat = new ArrayList<>();
    flatten(in.path("data"), flat);
    if (flat.size() != count) {
      throw new HttpError(400, "inputs[0].data has " + flat.size() + " values, shape " + shapeNode
          + " needs " + count);
    }
    ObjectNode v1 = JSON.createObjectNode();
    ArrayNode images = v1.putArray("instances");
    int[] at = {0};
    for (int n = 0; n < shape[0]; n++) {
      images.add(nest(flat, shape, 1, at));
    }
    return v1;
  }

  private static void flatten(JsonNode node, List<JsonNode> out) {
    if (node.isArray()) {
      for (JsonNode c : node) {
        flatten(c, out);
      }
    } else if (!node.isMissingNode()) {
      out.add(node);
    }
  }

  private static JsonNode nest(List<JsonNode> flat, int[] shape, int dim, int[] at) {
    if (dim == shape.length) {
      return flat.get(at[0]++);
    }
    ArrayNode a = JSON.createArrayNode();
    for (int i = 0; i < shape[dim]; i++) {
      a.add(nest(flat, shape, dim + 1, at));
    }
    return a;
  }
}
