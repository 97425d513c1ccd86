package dev.fedge.server.pipeline;

import dev.fedge.server.state.StepRecord;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a run's steps in order, recording each as it starts and ends, and resumes at the first step
 * not done: a step already done (or skipped) is not run again, a step left running by a server
 * that stopped is run again (the {@code train} step resumes its run after its last completed
 * round). The first step that fails fails the pipeline with its line; the steps after it are
 * skipped. Pure: the steps and the record are given.
 */
public final class Pipeline {

  /** What a step does; its line says what it found. */
  @FunctionalInterface
  public interface Action {
    /**
     * Runs the step.
     *
     * @return one line, e.g. {@code check: 2 devices online (rpi: 1, generic: 1)}
     * @throws Failed when the step fails, with its reason
     * @throws InterruptedException when the server stops: the step stays running and runs again
     *     at the next start
     * @throws Exception for anything else, which fails the step with its message
     */
    String run() throws Exception;
  }

  /** A step failed; the message is its line. */
  public static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    /** A failure with its one-line reason. */
    public Failed(String line) {
      super(line);
    }
  }

  /** Where the steps are recorded (the state's {@code run_steps} rows of one run). */
  public interface Journal {
    /** The run's steps in order, with their status. */
    List<StepRecord> steps();

    /** A step starts (again). */
    void started(String step);

    /** A step ends: {@link StepRecord#DONE}, {@link StepRecord#FAILED} or {@link StepRecord#SKIPPED}. */
    void finished(String step, String status, String line);
  }

  /**
   * How the steps went.
   *
   * @param ok whether every step is done
   * @param reason the failed step's line, or null
   */
  public record Outcome(boolean ok, String reason) {}

  private final Consumer<String> log;

  /**
   * A runner.
   *
   * @param log one line per step started, done, failed or skipped
   */
  public Pipeline(Consumer<String> log) {
    this.log = log == null ? s -> {} : log;
  }

  /**
   * Runs the steps that are not done yet.
   *
   * @param journal the run's steps
   * @param actions what each step does, by step name
   * @return how it went
   * @throws InterruptedException when the server stops (the running step stays running)
   * @throws IllegalArgumentException when a step has no action
   */
  public Outcome run(Journal journal, Map<String, Action> actions) throws InterruptedException {
    List<StepRecord> steps = journal.steps();
    for (StepRecord s : steps) {
      if (!actions.containsKey(s.step())) {
        throw new IllegalArgumentException("no action for step '" + s.step() + "'");
      }
    }
    String failure = null;
    for (StepRecord s : steps) {
      if (failure != null) {
        if (!s.ended()) {
          journal.finished(s.step(), StepRecord.SKIPPED, s.step() + ": skipped (" + failure + ")");
        }
        continue;
      }
      if (StepRecord.FAILED.equals(s.status())) {
        failure = s.line();
        continue;
      }
      if (s.ended()) {
        continue;
      }
      log.accept("step " + s.step() + (StepRecord.RUNNING.equals(s.status()) ? " resumed"
          : " started"));
      journal.started(s.step());
      String line;
      String status;
      try {
        line = prefixed(s.step(), actions.get(s.step()).run());
        status = StepRecord.DONE;
      } catch (InterruptedException e) {
        throw e;
      } catch (Failed e) {
        line = prefixed(s.step(), e.getMessage());
        status = StepRecord.FAILED;
      } catch (Exception | LinkageError e) {
        line = prefixed(s.step(), e.getMessage() == null ? e.toString() : e.getMessage());
        status = StepRecord.FAILED;
      }
      journal.finished(s.step(), status, line);
      log.accept(line);
      if (status.equals(StepRecord.FAILED)) {
        failure = line;
      }
    }
    return new Outcome(failure == null, failure);
  }

  /** The line with {@code step: } in front, unless it starts so already; one line only. */
  static String prefixed(String step, String line) {
    String one = line == null || line.isBlank() ? "done"
        : line.lines().findFirst().orElse("").strip();
    return one.startsWith(step + ":") ? one : step + ": " + one;
  }
}
