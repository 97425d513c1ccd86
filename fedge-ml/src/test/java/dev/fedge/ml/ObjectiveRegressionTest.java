package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Training stays bit-identical: a few steps of each objective (cross-entropy, FedProx, FedNTD, with
 * and without momentum and weight decay) from fixed seeds on fixed synthetic images give exactly
 * the recorded parameters (SHA-256 of their float bits), fit metrics and evaluation results.
 *
 * <p>The values in {@code objective-golden.properties} were recorded on the code before the
 * objectives became ObjectiveTerm classes. PyTorch's CPU kernels may round differently on
 * another instruction set (AVX2 vs AVX-512); to record again on purpose, run this test with {@code
 * -Dfedge.golden.record=<file>} and copy the file over the resource.
 */
class ObjectiveRegressionTest {

  private static final String RESOURCE = "objective-golden.properties";

  private static DjlRuntime runtime;
  private static ImageDataset train;
  private static ImageDataset test;
  private static Properties golden;
  private static final Map<String, String> RECORDED = new TreeMap<>();

  @BeforeAll
  static void start() throws IOException {
    runtime = DjlRuntime.create("cnn", 1, 28, 28, 10, 42, 1);
    train = SyntheticImages.create(100, 11, 1, 28, 28, 10);
    test = SyntheticImages.create(50, 12, 1, 28, 28, 10);
    golden = new Properties();
    try (InputStream in = ObjectiveRegressionTest.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        golden.load(in);
      }
    }
  }

  @AfterAll
  static void stop() throws IOException {
    runtime.close();
    String out = System.getProperty("fedge.golden.record");
    if (out != null) {
      try (Writer w = Files.newBufferedWriter(Path.of(out), StandardCharsets.UTF_8)) {
        w.write("# recorded by ObjectiveRegressionTest\n");
        for (Map.Entry<String, String> e : RECORDED.entrySet()) {
          w.write(e.getKey() + "=" + e.getValue() + "\n");
        }
      }
    }
  }

  static Map<String, Config> cases() {
    Config base = Config.of("lr", 0.05, "batch_size", 32, "local_epochs", 2, "seed", 9);
    Map<String, Config> c = new LinkedHashMap<>();
    c.put("fedavg", base);
    c.put("fedavg-momentum-decay", base.with("momentum", 0.9).with("weight_decay", 1e-3));
    c.put("fedprox", base.with("objective", "fedprox").with("proximal_mu", 0.1));
    c.put(
        "fedprox-momentum-decay",
        base.with("objective", "fedprox")
            .with("proximal_mu", 0.05)
            .with("momentum", 0.9)
            .with("weight_decay", 1e-4));
    c.put("fedprox-implicit", base.with("proximal_mu", 0.3).with("weight_decay", 1e-3));
    c.put("fedntd", base.with("objective", "fedntd").with("ntd_tau", 2.0).with("ntd_beta", 0.5));
    c.put("fedntd-momentum", base.with("objective", "fedntd").with("momentum", 0.5));
    return c;
  }

  static java.util.stream.Stream<String> names() {
    return cases().keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("names")
  void trainingGivesTheRecordedBits(String name) {
    Config config = cases().get(name);
    LocalTrainer trainer = runtime.trainer(train, test, 2);
    // Round 1 from the initial model, round 2 from round 1's result (the global then differs from
    // the seeded start).
    FitRes r1 = trainer.fit(new FitIns(runtime.initialParameters(), config.with("round", 1)));
    FitRes r2 = trainer.fit(new FitIns(r1.parameters(), config.with("round", 2)));
    Map<String, String> got = new LinkedHashMap<>();
    got.put("round1.params", sha256(r1.parameters()));
    got.put("round2.params", sha256(r2.parameters()));
    for (Map.Entry<String, Double> m : new TreeMap<>(r2.metrics()).entrySet()) {
      got.put("round2." + m.getKey(), Double.toString(m.getValue()));
    }
    EvaluateRes eval = runtime.evaluate(r2.parameters(), test, 16);
    got.put("eval.loss", Double.toString(eval.loss()));
    got.put("eval.accuracy", Double.toString(eval.accuracy()));
    float[][] probs = runtime.predict(r2.parameters(), test, 16);
    float[] flat = new float[probs.length * probs[0].length];
    for (int i = 0; i < probs.length; i++) {
      System.arraycopy(probs[i], 0, flat, i * probs[i].length, probs[i].length);
    }
    got.put("predict", sha256(flat));
    for (Map.Entry<String, String> e : got.entrySet()) {
      String key = name + "." + e.getKey();
      RECORDED.put(key, e.getValue());
      if (System.getProperty("fedge.golden.record") == null) {
        String want = golden.getProperty(key);
        assertNotNull(want, "no recorded value for " + key);
        assertEquals(want, e.getValue(), key);
      }
    }
    if (System.getProperty("fedge.golden.record") == null) {
      long keys = golden.stringPropertyNames().stream().filter(k -> k.startsWith(name + ".")).count();
      assertEquals(keys, got.size(), name + ": recorded keys " + keys + ", produced " + got);
    }
  }

  private static String sha256(Parameters p) {
    return sha256(p.values());
  }

  private static String sha256(float[] v) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] b = new byte[4];
      for (float f : v) {
        int bits = Float.floatToRawIntBits(f);
        b[0] = (byte) (bits >>> 24);
        b[1] = (byte) (bits >>> 16);
        b[2] = (byte) (bits >>> 8);
        b[3] = (byte) bits;
        md.update(b);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
