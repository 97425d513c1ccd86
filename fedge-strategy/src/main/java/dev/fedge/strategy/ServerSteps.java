package dev.fedge.strategy;


/**
 * Server-side optimiser steps on the global model (FedAvgM momentum, FedAdam, FedYogi, FedAdagrad,
 * a step toward a target, one pseudo-gradient step), the counterpart of the aggregation rules in
 * {@link Aggregations}; pure array code, split in chunks for large models as {@link Aggregations}
 * does.
 */
public final class ServerSteps {

  private ServerSteps() {}

  // ---------------------------------------------------------------- server optimisers

  /**
   * FedAvgM's server step (Hsu et al. 2019), in PyTorch's SGD convention as Flower: pseudo-gradient
   * {@code g = w - avg}, {@code v = mu·v + g}, {@code w' = w - lr·v}. With a zero momentum buffer
   * (the first round) and {@code lr = 1} the result is the average.
   *
   * @param global the current global model {@code w}
   * @param average the round's weighted average {@code avg}
   * @param momentum the momentum buffer {@code v}, updated in place (zeros before the first round)
   * @param lr server learning rate
   * @param mu server momentum
   * @return the new global model
   */
  public static float[] momentumStep(
      float[] global, float[] average, float[] momentum, double lr, double mu) {
    Aggregations.sameLength("average", global.length, average.length);
    Aggregations.sameLength("momentum", global.length, momentum.length);
    float[] out = new float[global.length];
    Aggregations.forRanges(
        global.length,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            double v = mu * momentum[i] + ((double) global[i] - average[i]);
            momentum[i] = (float) v;
            out[i] = (float) (global[i] - lr * v);
          }
        });
    return out;
  }

  /**
   * A server step of size {@code lr} toward a target: {@code w' = w + lr·(target − w)}, FedBuff's
   * synchronous step with the round's average as the target. With {@code lr = 1} it is the target.
   *
   * @param global the current global model {@code w}
   * @param target the round's combination, e.g. its weighted average
   * @param lr server learning rate
   * @return the new global model
   */
  public static float[] stepToward(float[] global, float[] target, double lr) {
    Aggregations.sameLength("target", global.length, target.length);
    float[] out = new float[global.length];
    Aggregations.forRanges(
        global.length,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            out[i] = (float) (global[i] + lr * ((double) target[i] - global[i]));
          }
        });
    return out;
  }

  /**
   * A step against folded pseudo-gradients: {@code w' = w − scale·acc}, where {@code acc} holds
   * weighted differences {@code Σ c_i·(b_i − x_i)} folded by {@link
   * Aggregations#foldDifference}. FedNova's
   * {@link Aggregations#novaStep} and FedBuff's buffer (Nguyen et al. 2022, Algorithm 1, {@code scale = η_g /
   * Σ w_i}) finish with it.
   *
   * @param global the current global model {@code w}
   * @param acc the accumulator
   * @param scale what {@code acc} is multiplied by
   * @return the new global model
   */
  public static float[] descend(float[] global, double[] acc, double scale) {
    Aggregations.sameLength("acc", global.length, acc.length);
    float[] out = new float[global.length];
    Aggregations.forRanges(
        global.length,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            out[i] = (float) (global[i] - scale * acc[i]);
          }
        });
    return out;
  }

  /**
   * FedAdam's server step (Reddi et al. 2021, Algorithm 2, without bias correction): {@code Δ =
   * avg - w}, {@code m = β1·m + (1-β1)·Δ}, {@code v = β2·v + (1-β2)·Δ²}, {@code w' = w + η·m /
   * (√v + τ)}.
   *
   * @param global the current global model {@code w}
   * @param average the round's weighted average
   * @param m first moment, updated in place
   * @param v second moment, updated in place
   * @param eta server learning rate η
   * @param beta1 β1
   * @param beta2 β2
   * @param tau adaptivity τ &gt; 0
   * @return the new global model
   */
  public static float[] adamStep(
      float[] global, float[] average, float[] m, float[] v, double eta, double beta1,
      double beta2, double tau) {
    return adaptiveStep(global, average, m, v, eta, beta1, beta2, tau, SecondMoment.ADAM);
  }

  /**
   * FedYogi's server step (Reddi et al. 2021): as {@link #adamStep} but {@code v = v - (1-β2)·Δ²·
   * sign(v - Δ²)}.
   *
   * @param global the current global model
   * @param average the round's weighted average
   * @param m first moment, updated in place
   * @param v second moment, updated in place
   * @param eta server learning rate η
   * @param beta1 β1
   * @param beta2 β2
   * @param tau adaptivity τ &gt; 0
   * @return the new global model
   */
  public static float[] yogiStep(
      float[] global, float[] average, float[] m, float[] v, double eta, double beta1,
      double beta2, double tau) {
    return adaptiveStep(global, average, m, v, eta, beta1, beta2, tau, SecondMoment.YOGI);
  }

  /**
   * FedAdagrad's server step (Reddi et al. 2021, with β1 = 0 as Flower): {@code Δ = avg - w},
   * {@code v = v + Δ²}, {@code w' = w + η·Δ / (√v + τ)}.
   *
   * @param global the current global model
   * @param average the round's weighted average
   * @param v accumulated squares, updated in place
   * @param eta server learning rate η
   * @param tau adaptivity τ &gt; 0
   * @return the new global model
   */
  public static float[] adagradStep(
      float[] global, float[] average, float[] v, double eta, double tau) {
    return adaptiveStep(global, average, null, v, eta, 0, 0, tau, SecondMoment.ADAGRAD);
  }

  /**
   * How an adaptive server optimiser (Reddi et al. 2021) moves its second moment {@code v} with
   * the squared pseudo-gradient {@code Δ²}: the one rule FedAdam, FedYogi and FedAdagrad differ in.
   */
  public enum SecondMoment {
    /** Adam: {@code v = β2·v + (1-β2)·Δ²}. */
    ADAM,
    /** Yogi: {@code v = v - (1-β2)·Δ²·sign(v - Δ²)}. */
    YOGI,
    /** Adagrad: {@code v = v + Δ²} (β2 unused). */
    ADAGRAD
  }

  /**
   * One adaptive server step (Reddi et al. 2021, Algorithm 2, without bias correction): {@code Δ =
   * avg - w}, {@code m = β1·m + (1-β1)·Δ} (or {@code m = Δ} without a first-moment buffer), {@code
   * v} by the rule, {@code w' = w + η·m / (√v + τ)}.
   *
   * @param global the current global model {@code w}
   * @param average the round's weighted average
   * @param m first moment, updated in place, or null to use {@code Δ} itself (β1 = 0)
   * @param v second moment, updated in place
   * @param eta server learning rate η
   * @param beta1 β1 (unused when {@code m} is null)
   * @param beta2 β2 (unused by {@link SecondMoment#ADAGRAD})
   * @param tau adaptivity τ &gt; 0
   * @param rule the second-moment rule
   * @return the new global model
   */
  static float[] adaptiveStep(
      float[] global, float[] average, float[] m, float[] v, double eta, double beta1,
      double beta2, double tau, SecondMoment rule) {
    Aggregations.sameLength("average", global.length, average.length);
    if (m != null) {
      Aggregations.sameLength("m", global.length, m.length);
    }
    Aggregations.sameLength("v", global.length, v.length);
    if (!(tau > 0)) {
      throw new IllegalArgumentException("tau: must be > 0, got " + tau);
    }
    float[] out = new float[global.length];
    Aggregations.forRanges(
        global.length,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            double delta = (double) average[i] - global[i];
            double mi = m == null ? delta : beta1 * m[i] + (1 - beta1) * delta;
            double d2 = delta * delta;
            double vi =
                switch (rule) {
                  case ADAM -> beta2 * v[i] + (1 - beta2) * d2;
                  case YOGI -> v[i] - (1 - beta2) * d2 * Math.signum(v[i] - d2);
                  case ADAGRAD -> v[i] + d2;
                };
            if (m != null) {
              m[i] = (float) mi;
            }
            v[i] = (float) vi;
            out[i] = (float) (global[i] + eta * mi / (Math.sqrt(vi) + tau));
          }
        });
    return out;
  }
}
