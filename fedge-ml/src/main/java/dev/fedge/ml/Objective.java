package dev.fedge.ml;

import java.util.Locale;

/** The local training objective, chosen by the config key {@code objective}. */
public enum Objective {
  /** Cross-entropy. */
  CE("ce"),
  /**
   * Cross-entropy plus FedProx's proximal term {@code mu/2 * ||w - w_global||^2} (Li et al.,
   * "Federated Optimization in Heterogeneous Networks", MLSys 2020, arXiv:1812.06127).
   */
  FEDPROX("fedprox"),
  /**
   * Cross-entropy plus FedNTD's not-true distillation from the global model (Lee et al.,
   * "Preservation of the Global Knowledge by Not-True Distillation in Federated Learning", NeurIPS
   * 2022, arXiv:2106.03097); see {@link NotTrueDistillation}.
   */
  FEDNTD("fedntd");

  private final String key;

  Objective(String key) {
    this.key = key;
  }

  /** The name used in configs. */
  public String key() {
    return key;
  }

  /**
   * Parses a config value.
   *
   * @throws IllegalArgumentException naming the value and the known objectives
   */
  public static Objective parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (Objective o : values()) {
      if (o.key.equals(v)) {
        return o;
      }
    }
    throw new IllegalArgumentException(
        "config 'objective': unknown objective '" + value + "' (known: ce, fedprox, fedntd)");
  }
}
