package dev.fedge.web.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.api.Parameters;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.ReidNet;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.web.ApiToken;
import dev.fedge.web.WebServer;
import dev.fedge.web.view.DeviceStatus;
import dev.fedge.web.view.StateDbView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-identification model behind the prediction endpoints: they answer each image's embedding
 * (what {@link DjlRuntime#embed} gives for the same images), not class probabilities.
 */
class ReidPredictionTest {

  @Test
  void reidModel_answersEmbeddings_onV1AndV2_equalToTheRuntimes(@TempDir Path dir)
      throws Exception {
    // 7 training identities, a 32-d embedding: neither is the data set's 10 classes
    ImageDataset test = Datasets.load("fashion-mnist", Path.of("data")).test().head(5);
    try (DjlRuntime runtime = DjlRuntime.create(new ReidNet("cnn", 1, 28, 28, 7, 32), 7, 2)) {
      Parameters model = runtime.initialParameters();
      float[][] expected = runtime.embed(model, test, 8);
      ModelStore store = new ModelStore(dir.resolve("models"));
      store.save(new ModelKey("lab", "veri", 3), model, Map.of(
          "config", Map.of("model", "cnn", "dataset", "fashion-mnist", "task", "reid"),
          "task", Map.of("name", "reid", "model", "reid-cnn", "embedding_dim", 32)));
      try (StateStore state = StateStore.open(dir.resolve("fedge.db"));
          StateDbView view = new StateDbView(state.db(),
              DeviceStatus.seenWithin(Duration.ofSeconds(10)));
          WebServer web = WebServer.builder().setView(view).setModelStore(store)
              .setToken(ApiToken.of(PredictionTest.TOKEN)).optOpenPredict(true)
              .optHost("127.0.0.1").optPort(0).start()) {
        var v1 = PredictionTest.post(web, "/v1/models/lab.veri:predict",
            body(test), null);
        assertEquals(200, v1.statusCode(), v1.body());
        JsonNode predictions = PredictionTest.JSON.readTree(v1.body()).get("predictions");
        assertEquals(expected.length, predictions.size());
        for (int i = 0; i < expected.length; i++) {
          JsonNode e = predictions.get(i).get("embedding");
          assertEquals(32, e.size(), v1.body());
          for (int k = 0; k < 32; k++) {
            assertEquals(expected[i][k], e.get(k).floatValue(), 1e-5, "image " + i + " dim " + k);
          }
        }
        var meta = PredictionTest.get(web, "/v1/models/lab.veri");
        assertEquals(200, meta.statusCode(), meta.body());
        assertTrue(meta.body().contains("\"embedding_dim\":32"), meta.body());
        assertTrue(meta.body().contains("\"identities\":7"), meta.body());
        var v2 = PredictionTest.get(web, "/v2/models/lab.veri");
        assertEquals(200, v2.statusCode(), v2.body());
        JsonNode out = PredictionTest.JSON.readTree(v2.body()).get("outputs").get(0);
        assertEquals("embedding", out.get("name").asText(), v2.body());
        assertEquals(32, out.get("shape").get(1).asInt(), v2.body());
      }
    }
  }

  /** The images' raw pixels as V1 instances, 28 rows of 28. */
  private static ObjectNode body(ImageDataset test) {
    ObjectNode body = PredictionTest.JSON.createObjectNode();
    ArrayNode instances = body.putArray("instances");
    for (int i = 0; i < test.size(); i++) {
      ArrayNode img = instances.addArray();
      for (int y = 0; y < 28; y++) {
        ArrayNode row = img.addArray();
        for (int x = 0; x < 28; x++) {
          row.add(test.rawPixel(i, y * 28 + x));
        }
      }
    }
    return body;
  }
}
