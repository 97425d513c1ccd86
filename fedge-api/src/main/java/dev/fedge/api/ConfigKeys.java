package dev.fedge.api;

/**
 * Names of the {@link Config} keys that travel from a strategy to the clients' trainers. One place,
 * so the server and every client agree on them.
 */
public final class ConfigKeys {

  /** 1-based round number (long). */
  public static final String ROUND = "round";

  /** Run seed (long); trainers derive their shuffling from (seed, round, client). */
  public static final String SEED = "seed";

  /** Local epochs per round (long, default 1). */
  public static final String LOCAL_EPOCHS = "local_epochs";

  /** Mini-batch size (long, default 32). */
  public static final String BATCH_SIZE = "batch_size";

  /** SGD learning rate (double, default 0.01). */
  public static final String LR = "lr";

  /** SGD momentum (double, default 0). */
  public static final String MOMENTUM = "momentum";

  /** L2 weight decay (double, default 0). */
  public static final String WEIGHT_DECAY = "weight_decay";

  /**
   * Most local optimiser steps of a fit, all epochs together (deadline-sized local work); absent
   * or 0: no limit beyond the epochs.
   */
  public static final String MAX_STEPS = "max_steps";

  /**
   * HeteroFL's width of the client's submodel (double in (0, 1]; absent: the full model). The
   * parameters sent are already the submodel; the key says which width they are.
   */
  public static final String WIDTH = "width";

  /** Local objective: {@code "ce"} (default), {@code "fedprox"} or {@code "fedntd"}. */
  public static final String OBJECTIVE = "objective";

  /** FedProx's μ in μ/2·‖w − w_global‖² (double, ≥ 0). */
  public static final String PROXIMAL_MU = "proximal_mu";

  /** FedNTD's temperature τ (double, > 0, default 1). */
  public static final String NTD_TAU = "ntd_tau";

  /** FedNTD's weight β (double, ≥ 0, default 1). */
  public static final String NTD_BETA = "ntd_beta";

  /**
   * Label smoothing of the cross-entropy, in [0, 1): the target puts {@code 1 - eps} on the true
   * class and spreads {@code eps} evenly over all classes (default 0; re-ID models use 0.1).
   */
  public static final String LABEL_SMOOTHING = "label_smoothing";

  /**
   * Regular expression over tensor names: matching tensors stay on each client and are not taken
   * from the global model (FedPav's partial averaging, personalised heads; {@code ".*"} for
   * local-only training).
   */
  public static final String LOCAL_LAYERS = "local_layers";

  /** When true, a client evaluates its personal model (with its local layers), not the global. */
  public static final String PERSONAL = "personal";

  /** Wire codec for updates: {@code float32} (default), {@code float16}, {@code int8}. */
  public static final String CODEC = "codec";

  private ConfigKeys() {}
}
