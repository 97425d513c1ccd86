package dev.fedge.server.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HeteroFL's {@code widths} setting: {@code auto} (each device's width from its memory and speed,
 * {@link #auto}) or a list given to the simulated clients in turn ({@code 1,0.5,0.25}); each entry
 * is a width in (0, 1] or {@code none} (the device takes no part, the baseline HeteroFL is
 * measured against).
 *
 * @param auto whether the widths are chosen per device
 * @param list the widths in turn (0 for {@code none}); empty with {@code auto}
 */
public record Widths(boolean auto, List<Double> list) {

  /** The widths {@code auto} chooses from, widest first. */
  public static final List<Double> AUTO_CHOICES = List.of(1.0, 0.5, 0.25);

  /** The fixed part of the training memory estimate (JVM, PyTorch, data), in bytes. */
  public static final long BASE_BYTES = 360L << 20;

  /** The per-parameter part of the training memory estimate, in bytes. */
  public static final long BYTES_PER_PARAMETER = 24;

  /** Copies the list. */
  public Widths {
    list = List.copyOf(list);
  }

  /**
   * Parses the setting.
   *
   * @param text {@code auto} or comma-separated widths ({@code none} allowed)
   * @return the widths
   * @throws IllegalArgumentException naming the key and the value
   */
  public static Widths parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("auto")) {
      return new Widths(true, List.of());
    }
    List<Double> out = new ArrayList<>();
    for (String part : t.split(",", -1)) {
      String p = part.strip();
      if (p.equals("none")) {
        out.add(0.0);
        continue;
      }
      double w;
      try {
        w = Double.parseDouble(p);
      } catch (NumberFormatException e) {
        w = Double.NaN;
      }
      if (!(w > 0 && w <= 1)) {
        throw new IllegalArgumentException("widths: expected auto, or widths in (0, 1] (or none)"
            + " separated by commas, got '" + p + "' in '" + text.strip() + "'");
      }
      out.add(w);
    }
    if (out.stream().allMatch(w -> w == 0)) {
      throw new IllegalArgumentException("widths: at least one device needs a width, got '"
          + text.strip() + "'");
    }
    return new Widths(false, out);
  }

  /**
   * The widths the run has (its evaluation reports each): the list's, or {@link #AUTO_CHOICES}.
   *
   * @return distinct widths, widest first
   */
  public List<Double> distinct() {
    List<Double> src = auto ? AUTO_CHOICES : list;
    return src.stream().filter(w -> w > 0).distinct()
        .sorted(java.util.Comparator.reverseOrder()).toList();
  }

  /**
   * A simulated client's width from the list, in turn.
   *
   * @param client the client's index
   * @return its width, 0 for none
   */
  public double inTurn(int client) {
    return list.get(client % list.size());
  }

  /**
   * The estimated memory a training process needs for a model: {@value #BASE_BYTES} bytes plus
   * {@value #BYTES_PER_PARAMETER} bytes a parameter, a straight line through the resident memory
   * measured training {@code cnn} (1.66M parameters, 399 MiB) and {@code resnet18} (11.2M, 615 MiB)
   * with batch 32 (docs/BENCHMARKS.md).
   *
   * @param parameters the model's parameters
   * @return bytes
   */
  public static long trainingBytes(long parameters) {
    return BASE_BYTES + BYTES_PER_PARAMETER * parameters;
  }

  /**
   * {@code auto}'s rule: the widest of {@link #AUTO_CHOICES} that (memory) needs at most half the
   * device's memory by {@link #trainingBytes} (the other half for the system and other work), and
   * (speed) is at most {@code 2^-floor(log4(fastest / speed))}: a device 4x slower than the
   * fleet's fastest trains half the width, which costs about a quarter of the computation.
   *
   * @param memoryBytes the device's memory; 0 when unknown (no limit)
   * @param speed the device's speed; NaN or <= 0 when unknown (no limit)
   * @param fastest the fastest device's speed
   * @param parametersAt the model's parameters at each width
   * @return the width, or 0 when even the narrowest does not fit (the device takes no part)
   */
  public static double auto(long memoryBytes, double speed, double fastest,
      java.util.function.DoubleToLongFunction parametersAt) {
    double bySpeed = 1;
    if (speed > 0 && fastest > speed) {
      int halvings = (int) Math.floor(Math.log(fastest / speed) / Math.log(4) + 1e-9);
      bySpeed = Math.pow(0.5, halvings);
    }
    double smallest = AUTO_CHOICES.get(AUTO_CHOICES.size() - 1);
    for (double w : AUTO_CHOICES) {
      boolean fits = memoryBytes <= 0 || trainingBytes(parametersAt.applyAsLong(w)) * 2
          <= memoryBytes;
      if (fits && (w <= bySpeed || w == smallest)) {
        return w;
      }
    }
    return 0;
  }

  /**
   * A device's width, as simulate and the server both assign it: with {@code auto} by {@link
   * #auto} from its memory and speed, else the list's {@link #inTurn} entry for its index.
   *
   * @param index the device's place in turn (simulate: the client's index; server: the order in
   *     which the run first saw the device)
   * @param memoryBytes the device's memory; 0 when unknown
   * @param speed the device's speed; NaN when unknown
   * @param fastest the fastest device's speed (same unit); NaN when unknown
   * @param parametersAt the model's parameters at each width
   * @return the width, 0 for none
   */
  public double of(int index, long memoryBytes, double speed, double fastest,
      java.util.function.DoubleToLongFunction parametersAt) {
    return auto ? auto(memoryBytes, speed, fastest, parametersAt) : inTurn(index);
  }

  /** As the setting writes it. */
  public String text() {
    if (auto) {
      return "auto";
    }
    List<String> parts = new ArrayList<>();
    for (double w : list) {
      parts.add(w == 0 ? "none"
          : java.math.BigDecimal.valueOf(w).stripTrailingZeros().toPlainString());
    }
    return String.join(",", parts);
  }
}
