package dev.fedge.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineSpecTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String text) throws Exception {
    return YAML.readValue(text, LinkedHashMap.class);
  }

  @Test
  void aYamlDocument_splitsIntoRunSettingsAndSteps() throws Exception {
    Map<String, Object> doc = yaml("""
        rounds: 3
        min-clients: 2
        check: {min_devices: 2, classes: {rpi: 1}, timeout: 90s}
        serve: {alias: staging, pick: last}
        """);

    PipelineSpec p = PipelineSpec.take(doc).orElseThrow();

    assertEquals(Map.of("rounds", 3, "min-clients", 2), doc);
    assertEquals(Step.ALL, p.steps());
    assertEquals(new PipelineSpec.CheckOptions(2, Map.of("rpi", 1), Duration.ofSeconds(90)),
        p.check());
    assertEquals(new PipelineSpec.ServeOptions("staging", PipelineSpec.Pick.LAST), p.serve());
  }

  @Test
  void withoutStepKeys_itIsAPlainRun_andJsonReadsTheSame() throws Exception {
    Map<String, Object> plain = yaml("{\"rounds\": 3}");
    Map<String, Object> json = yaml("{\"steps\": [\"train\", \"serve\"], \"serve\": {\"pick\": \"best\"}}");

    assertTrue(PipelineSpec.take(plain).isEmpty());
    PipelineSpec p = PipelineSpec.take(json).orElseThrow();
    assertEquals(List.of(Step.TRAIN, Step.SERVE), p.steps());
    assertEquals(PipelineSpec.ServeOptions.DEFAULT, p.serve());
    assertEquals(PipelineSpec.CheckOptions.DEFAULT, p.check());
  }

  @Test
  void theStoredFormReadsBackTheSame() throws Exception {
    PipelineSpec p = PipelineSpec.take(yaml("check: {classes: {jetson: 2, rpi: 1}, timeout: 2m}"))
        .orElseThrow();

    assertEquals(p, PipelineSpec.parse(YAML.readValue(YAML.writeValueAsString(p.toMap()),
        LinkedHashMap.class)));
  }

  private static String error(String text) {
    return assertThrows(IllegalArgumentException.class,
        () -> PipelineSpec.take(yaml(text))).getMessage();
  }

  @Test
  void badSpecs_getOneLineNamingTheKey() {
    assertEquals("steps: unknown step 'deploy' (known: check, data, train, evaluate, serve)",
        error("steps: [check, deploy]"));
    assertEquals("steps: must include 'train', got [check, data]", error("steps: [check, data]"));
    assertEquals("steps: 'check' must come before 'train' (the order is check, data, train,"
        + " evaluate, serve)", error("steps: [train, check]"));
    assertEquals("steps: 'train' is listed twice (the order is check, data, train, evaluate,"
        + " serve)", error("steps: [train, train]"));
    assertEquals("steps: expected a list of steps (check, data, train, evaluate, serve), got"
        + " 'train'", error("steps: train"));
    assertEquals("check: unknown key 'min_device' (known: min_devices, classes, timeout)",
        error("check: {min_device: 2}"));
    assertEquals("check.min_devices: expected a positive integer, got '0'",
        error("check: {min_devices: 0}"));
    assertEquals("check.classes.rpi: expected a positive integer, got 'two'",
        error("check: {classes: {rpi: two}}"));
    assertEquals("check.timeout: expected a positive duration like 500ms, 120s, 5m or 1h, got"
        + " 'soon'", error("check: {timeout: soon}"));
    assertEquals("serve.pick: expected best or last, got 'first'", error("serve: {pick: first}"));
    assertTrue(error("serve: {alias: Prod}").startsWith("serve.alias: alias must start with a"
        + " lower-case letter"), error("serve: {alias: Prod}"));
    assertEquals("serve: unknown key 'round' (known: alias, pick)", error("serve: {round: 2}"));
    assertEquals("serve: options given, but 'serve' is not in steps [train]",
        error("{steps: [train], serve: {alias: production}}"));
    assertEquals("data: unknown key 'path' (data takes no options)", error("data: {path: x}"));
    for (String e : List.of(error("steps: [check, deploy]"), error("check: {timeout: soon}"))) {
      assertEquals(1, e.lines().count(), e);
    }
  }

  @Test
  void checkShortfall_namesTheClassFirst_thenTheTotal() {
    assertEquals("1 of 2 rpi devices online", StepChecks.shortfall(2, Map.of("rpi", 2),
        List.of("rpi", "generic")).orElseThrow());
    assertEquals("2 of 3 devices online", StepChecks.shortfall(3, Map.of("rpi", 1),
        List.of("rpi", "generic")).orElseThrow());
    assertTrue(StepChecks.shortfall(2, Map.of("rpi", 1), List.of("rpi", "generic")).isEmpty());
    assertEquals("3 devices online (generic: 2, rpi: 1)",
        StepChecks.online(List.of("generic", "rpi", "generic")));
  }

  @Test
  void dataVerdict_failsOnAnotherDataSet_andSaysWhatWasNotReported() throws Exception {
    var ok = new StepChecks.DeviceData("a1", "fashion-mnist", 1200);
    var silent = new StepChecks.DeviceData("b1", null, -1);
    var other = new StepChecks.DeviceData("c1", "mnist", 1200);

    assertEquals("data: 1 device holds fashion-mnist (1200 training images); 1 did not report"
        + " its data set (checked on its first train task)",
        StepChecks.data("fashion-mnist", List.of(ok, silent)));
    assertEquals("data: no device reports its data set; checked on first train task",
        StepChecks.data("fashion-mnist", List.of(silent)));
    Pipeline.Failed f = assertThrows(Pipeline.Failed.class,
        () -> StepChecks.data("fashion-mnist", List.of(ok, other)));
    assertEquals("data: device 'c1' holds mnist, the run trains on fashion-mnist", f.getMessage());
  }
}
