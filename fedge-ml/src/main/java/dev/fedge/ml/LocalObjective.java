package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client's local training objective for one run: the sum of its {@link ObjectiveTerm}s, in
 * order (the order fixes the floating-point summation). Terms with a closed-form gradient are left
 * out of the sum and applied by the SGD step; at most one term may have one.
 */
final class LocalObjective {

  private final List<ObjectiveTerm> terms;

  private LocalObjective(List<ObjectiveTerm> terms) {
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("local objective: needs at least one term");
    }
    long closed = terms.stream().filter(t -> t.closedForm().isPresent()).count();
    if (closed > 1) {
      throw new IllegalArgumentException(
          "local objective: at most one term with a closed-form gradient, got " + closed);
    }
    this.terms = List.copyOf(terms);
  }

  /**
   * The objective summing the given terms in order.
   *
   * @param terms the terms; at most one with a closed-form gradient
   * @return the objective
   */
  static LocalObjective of(ObjectiveTerm... terms) {
    return new LocalObjective(List.of(terms));
  }

  /**
   * The terms a run's settings ask for: cross-entropy, plus FedProx's proximal term or FedNTD's
   * not-true distillation.
   *
   * @param s the settings
   * @return a new objective (terms keep per-run sums, so make one per run)
   */
  static LocalObjective from(TrainSettings s) {
    List<ObjectiveTerm> terms = new ArrayList<>();
    terms.add(new CrossEntropy(s.labelSmoothing()));
    switch (s.objective()) {
      case CE -> { }
      case FEDPROX -> terms.add(new ProximalTerm(s.proximalMu()));
      case FEDNTD -> terms.add(new NotTrueDistillationTerm(s.ntdTau(), s.ntdBeta()));
      default -> throw new IllegalArgumentException("objective: no terms for " + s.objective());
    }
    return new LocalObjective(terms);
  }

  /** The terms, in order. */
  List<ObjectiveTerm> terms() {
    return terms;
  }

  /** Prepares every term for a run. */
  void begin(ObjectiveTerm.Run run) {
    for (ObjectiveTerm t : terms) {
      t.begin(run);
    }
  }

  /** The closed-form gradient the SGD step applies, if a term has one. */
  Optional<ObjectiveTerm.ClosedForm> closedForm() {
    for (ObjectiveTerm t : terms) {
      Optional<ObjectiveTerm.ClosedForm> c = t.closedForm();
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  /**
   * The loss to differentiate on a step: the sum, in order, of the terms without a closed-form
   * gradient ({@code ((t1 + t2) + t3) ...}).
   *
   * @param step the step
   * @return a scalar attached to the step's manager
   */
  NDArray loss(ObjectiveTerm.Step step) {
    NDArray total = null;
    for (ObjectiveTerm t : terms) {
      if (t.closedForm().isPresent()) {
        continue;
      }
      NDArray l = t.loss(step);
      total = total == null ? l : total.add(l);
    }
    if (total == null) {
      throw new IllegalStateException("local objective: every term has a closed-form gradient");
    }
    return total;
  }

  /**
   * The terms' fit metrics, in term order.
   *
   * @param steps steps run
   * @param start values training started from
   * @param trained trained values
   * @return metric name to value
   */
  Map<String, Double> metrics(int steps, float[] start, float[] trained) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (ObjectiveTerm t : terms) {
      t.metrics(steps, start, trained, out);
    }
    return out;
  }
}
