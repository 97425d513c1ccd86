package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One term of a client's local training objective: given a step's batch, the model's output and
 * the round's context (the global model, reusable buffers), it returns its loss as a scalar. A
 * {@link LocalObjective} sums the terms of a run; the training loop only asks it for the loss.
 *
 * <p>A new objective is one class implementing this interface (plus its test in {@code
 * ObjectiveTermsTest}) and one line in {@link LocalObjective#from(TrainSettings)}. Terms are made
 * per local training run and may keep running sums for their fit metrics; native memory they need
 * across rounds comes from {@link Run#buffer(String)}, which the runtime allocates once.
 */
interface ObjectiveTerm {

  /**
   * What a term sees of one local training run.
   *
   * @param network the model
   * @param global the round's incoming (global) model, also the start of training; not modified
   * @param batch the run's batch arrays (reused by every step)
   * @param buffers parameter-shaped native sets owned by the runtime, by name
   */
  record Run(Network network, float[] global, Batch batch, Function<String, TensorSet> buffers) {

    /** A parameter-shaped set of native arrays, allocated on first use and kept by the runtime. */
    TensorSet buffer(String name) {
      return buffers.apply(name);
    }
  }

  /**
   * One training step.
   *
   * @param manager the step's manager; arrays attached to it are freed when the step ends
   * @param batch the step's images and labels
   * @param logits the model's output {@code (N, classes)}
   * @param params the model's parameters, in layout order (gradients are taken with respect to
   *     them)
   */
  record Step(NDManager manager, Batch batch, NDArray logits, NDArray[] params) {}

  /**
   * A gradient the SGD step applies in closed form instead of through autograd: {@code coefficient
   * * (w - w_global)}, the gradient of {@code coefficient/2 * ||w - w_global||^2} towards the
   * round's global model ({@link Run#global()}). Folded into the update (as a weight decay plus a
   * constant), it costs no pass of its own.
   *
   * @param coefficient the factor, >= 0 (0: nothing is applied)
   */
  record ClosedForm(double coefficient) {}

  /**
   * Prepares the term for one run (called once, before the first step, with the compute lock held).
   *
   * @param run the run's context
   */
  default void begin(Run run) {}

  /**
   * The term's loss on a step: a scalar array, differentiable in {@code step.params()}. Terms with
   * a {@link #closedForm()} still return their value here, but the training loop does not add it
   * to the objective: their gradient goes through the SGD step.
   *
   * @param step the step
   * @return the loss term, attached to the step's manager
   */
  NDArray loss(Step step);

  /** The term's gradient in closed form, if the SGD step applies it; empty by default. */
  default Optional<ClosedForm> closedForm() {
    return Optional.empty();
  }

  /**
   * Adds the term's fit metrics after the run.
   *
   * @param steps the number of steps run (0 for an empty data set)
   * @param start the values training started from
   * @param trained the trained values
   * @param out receives the metrics, in order
   */
  default void metrics(int steps, float[] start, float[] trained, Map<String, Double> out) {}

  /** The mean of a per-step sum, 0 without steps. */
  static double mean(double sum, int steps) {
    return steps == 0 ? 0 : sum / steps;
  }
}
