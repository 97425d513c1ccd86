package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Optional;
import java.util.function.Function;

/**
 * SGD in place for one local training run, with optional momentum (buffers start from zero every
 * run), weight decay and a closed-form gradient {@code c * (w - w_global)} (FedProx's proximal
 * term), all folded into one update per tensor. The gradients reaching it are already multiplied
 * by lr.
 */
final class SgdStep {

  private final float mom;
  private final float decay;
  private final TensorSet velocity;
  private final TensorSet anchor;

  private SgdStep(float mom, float decay, TensorSet velocity, TensorSet anchor) {
    this.mom = mom;
    this.decay = decay;
    this.velocity = velocity;
    this.anchor = anchor;
  }

  /**
   * Prepares a run's SGD.
   *
   * @param s lr, momentum and weight decay
   * @param closedForm the objective's closed-form gradient, if any
   * @param global the round's global model, the target of the closed-form gradient
   * @param buffers the runtime's reusable parameter-shaped sets, by name
   * @return the step
   */
  static SgdStep create(
      TrainSettings s,
      Optional<ObjectiveTerm.ClosedForm> closedForm,
      float[] global,
      Function<String, TensorSet> buffers) {
    double c = closedForm.map(ObjectiveTerm.ClosedForm::coefficient).orElse(0.0);
    boolean pull = c > 0;
    float mom = (float) s.momentum();
    // Weight decay and the closed-form c * w both shrink w; applied in place, scaled by lr.
    float decay = (float) (s.lr() * (s.weightDecay() + (pull ? c : 0)));
    TensorSet anchor = null;
    if (pull) {
      // The constant -c * w_g of the closed-form gradient, kept times lr.
      anchor = buffers.apply("sgd.anchor");
      anchor.loadScaled(global, (float) (s.lr() * c));
    }
    TensorSet velocity = null;
    if (mom > 0) {
      velocity = buffers.apply("sgd.momentum");
      velocity.zero();
    }
    return new SgdStep(mom, decay, velocity, anchor);
  }

  /** Attaches the step's state to a step's manager (scalars of in-place updates go there too). */
  void tempAttach(NDManager step) {
    if (velocity != null) {
      velocity.tempAttach(step);
    }
    if (anchor != null) {
      anchor.tempAttach(step);
    }
  }

  /** Updates every parameter from its gradient, with gradients off, and zeroes the gradients. */
  void apply(NDArray[] params) {
    NDArray[] v = velocity == null ? null : velocity.arrays();
    NDArray[] a = anchor == null ? null : anchor.arrays();
    JniUtils.setGradMode(false);
    try {
      for (int i = 0; i < params.length; i++) {
        update(params[i], v == null ? null : v[i], a == null ? null : a[i], mom, decay);
      }
    } finally {
      JniUtils.setGradMode(true);
    }
  }

  /**
   * One SGD step in place, with the gradient already multiplied by lr ({@code g = lr * grad}):
   * without momentum {@code w = w * (1 - decay) - g + anchor}; with momentum {@code v = mom * v + g
   * + decay * w - anchor; w = w - v} (PyTorch's SGD for a constant lr, dampening 0). {@code decay}
   * is {@code lr * (weight_decay + mu)} and {@code anchor} is {@code lr * mu * w_global} (FedProx)
   * or null. Then w's gradient is zeroed for the next step.
   */
  static void update(NDArray w, NDArray v, NDArray anchor, float mom, float decay) {
    NDArray g = w.getGradient();
    if (v == null) {
      if (decay != 0) {
        w.muli(1 - decay);
      }
      w.subi(g);
      if (anchor != null) {
        w.addi(anchor);
      }
    } else {
      v.muli(mom).addi(g);
      if (decay != 0) {
        v.addi(w.mul(decay));
      }
      if (anchor != null) {
        v.subi(anchor);
      }
      w.subi(v);
    }
    JniUtils.zeroGrad((PtNDArray) w);
  }
}
