package dev.fedge.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.state.StepRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineTest {

  /** The run_steps rows of one run, in memory. */
  static final class Rows implements Pipeline.Journal {
    final List<StepRecord> rows = new ArrayList<>();
    final List<String> calls = new ArrayList<>();

    Rows(String... steps) {
      for (int i = 0; i < steps.length; i++) {
        rows.add(new StepRecord("r", i, steps[i], Map.of(), StepRecord.PENDING, null, null, null));
      }
    }

    StepRecord row(String step) {
      return rows.stream().filter(r -> r.step().equals(step)).findFirst().orElseThrow();
    }

    void set(String step, String status, Instant started, String line) {
      StepRecord r = row(step);
      rows.set(r.position(), new StepRecord("r", r.position(), step, r.options(), status,
          r.started() != null ? r.started() : started, status.equals(StepRecord.RUNNING) ? null
              : Instant.now(), line == null ? r.line() : line));
    }

    @Override
    public List<StepRecord> steps() {
      return List.copyOf(rows);
    }

    @Override
    public void started(String step) {
      calls.add("start " + step);
      set(step, StepRecord.RUNNING, Instant.now(), null);
    }

    @Override
    public void finished(String step, String status, String line) {
      calls.add(status + " " + step);
      set(step, status, null, line);
    }
  }

  private final List<String> ran = new ArrayList<>();
  private final List<String> log = new ArrayList<>();

  private Map<String, Pipeline.Action> actions(String failing) {
    Map<String, Pipeline.Action> a = new LinkedHashMap<>();
    for (Step s : Step.ALL) {
      a.put(s.id(), () -> {
        ran.add(s.id());
        if (s.id().equals(failing)) {
          throw new Pipeline.Failed(s.id() + ": 1 of 2 rpi devices online after 60s");
        }
        return s.id().equals("train") ? "3 of 3 rounds" : s.id() + ": ok";
      });
    }
    return a;
  }

  @Test
  void stepsRunInOrder_eachIsRecordedDone_withItsLine() throws Exception {
    Rows rows = new Rows("check", "data", "train", "evaluate", "serve");

    Pipeline.Outcome o = new Pipeline(log::add).run(rows, actions(null));

    assertTrue(o.ok());
    assertNull(o.reason());
    assertEquals(List.of("check", "data", "train", "evaluate", "serve"), ran);
    assertEquals(List.of("start check", "done check", "start data", "done data", "start train",
        "done train", "start evaluate", "done evaluate", "start serve", "done serve"), rows.calls);
    assertEquals("train: 3 of 3 rounds", rows.row("train").line(), "the step's name in front");
    rows.rows.forEach(r -> assertEquals(StepRecord.DONE, r.status(), r.step()));
  }

  @Test
  void aFailedStep_stopsThePipeline_recordsItsReason_andSkipsTheRest() throws Exception {
    Rows rows = new Rows("check", "data", "train", "evaluate", "serve");

    Pipeline.Outcome o = new Pipeline(log::add).run(rows, actions("data"));

    assertFalse(o.ok());
    assertEquals("data: 1 of 2 rpi devices online after 60s", o.reason());
    assertEquals(List.of("check", "data"), ran);
    assertEquals(StepRecord.FAILED, rows.row("data").status());
    assertEquals("data: 1 of 2 rpi devices online after 60s", rows.row("data").line());
    for (String s : List.of("train", "evaluate", "serve")) {
      assertEquals(StepRecord.SKIPPED, rows.row(s).status(), s);
      assertEquals(s + ": skipped (data: 1 of 2 rpi devices online after 60s)",
          rows.row(s).line());
    }
  }

  @Test
  void anExceptionFailsItsStepWithItsMessage() throws Exception {
    Rows rows = new Rows("check", "train");
    Map<String, Pipeline.Action> a = actions(null);
    a.put("train", () -> {
      throw new IllegalStateException("evaluator crashed in round 2\nat ...");
    });

    Pipeline.Outcome o = new Pipeline(log::add).run(rows, a);

    assertEquals("train: evaluator crashed in round 2", o.reason());
    assertEquals(StepRecord.FAILED, rows.row("train").status());
  }

  @Test
  void resume_skipsDoneSteps_runsTheInterruptedStepAgain_keepingItsFirstStart() throws Exception {
    Rows rows = new Rows("check", "data", "train", "evaluate", "serve");
    Instant first = Instant.parse("2026-01-01T00:00:00Z");
    rows.set("check", StepRecord.DONE, first, "check: 2 devices online (generic: 2)");
    rows.set("data", StepRecord.DONE, first, "data: checked");
    rows.set("train", StepRecord.RUNNING, first, null);

    Pipeline.Outcome o = new Pipeline(log::add).run(rows, actions(null));

    assertTrue(o.ok());
    assertEquals(List.of("train", "evaluate", "serve"), ran);
    assertEquals("check: 2 devices online (generic: 2)", rows.row("check").line());
    assertEquals(first, rows.row("check").started());
    assertEquals(first, rows.row("train").started());
    assertTrue(log.contains("step train resumed"), log::toString);
  }

  @Test
  void interruption_leavesTheStepRunning_forTheNextStart() {
    Rows rows = new Rows("check", "train", "serve");
    Map<String, Pipeline.Action> a = actions(null);
    a.put("train", () -> {
      throw new InterruptedException("server stopping");
    });

    assertThrows(InterruptedException.class, () -> new Pipeline(log::add).run(rows, a));

    assertEquals(StepRecord.DONE, rows.row("check").status());
    assertEquals(StepRecord.RUNNING, rows.row("train").status());
    assertEquals(StepRecord.PENDING, rows.row("serve").status());
  }

  @Test
  void aStepWithoutAction_isRefusedBeforeAnythingRuns() {
    Rows rows = new Rows("check", "deploy");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Pipeline(log::add).run(rows, actions(null)));

    assertEquals("no action for step 'deploy'", e.getMessage());
    assertEquals(List.of(), ran);
  }
}
