package dev.fedge.server.pipeline;

import dev.fedge.server.state.RoundRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What the steps decide, as pure functions of what the server sees (tested without a server). */
final class StepChecks {

  private StepChecks() {}

  /**
   * What is missing for {@code check}: the first named class with too few devices, else too few
   * devices in all.
   *
   * @param need devices needed in all
   * @param classes class to devices needed of it
   * @param online the class of each device online
   * @return e.g. {@code 1 of 2 rpi devices online}, or empty when there are enough
   */
  static Optional<String> shortfall(int need, Map<String, Integer> classes, List<String> online) {
    for (Map.Entry<String, Integer> c : new TreeMap<>(classes).entrySet()) {
      long have = online.stream().filter(c.getKey()::equals).count();
      if (have < c.getValue()) {
        return Optional.of(have + " of " + c.getValue() + " " + c.getKey() + " devices online");
      }
    }
    if (online.size() < need) {
      return Optional.of(online.size() + " of " + need + " devices online");
    }
    return Optional.empty();
  }

  /** {@code 3 devices online (generic: 2, rpi: 1)}. */
  static String online(List<String> online) {
    Map<String, Integer> by = new TreeMap<>();
    online.forEach(c -> by.merge(c, 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    by.forEach((c, n) -> parts.add(c + ": " + n));
    return online.size() + (online.size() == 1 ? " device" : " devices") + " online ("
        + String.join(", ", parts) + ")";
  }

  /**
   * What a device says about its data ({@code DeviceFacts.extra()}: {@code dataset}, {@code
   * train_examples}, sent by {@code fedge client}).
   *
   * @param name the device's name
   * @param dataset its data set, or null when it did not say
   * @param trainExamples its training examples, or -1 when it did not say
   */
  record DeviceData(String name, String dataset, long trainExamples) {

    static DeviceData of(String name, Map<String, String> extra) {
      long n = -1;
      try {
        n = Long.parseLong(extra.getOrDefault(TRAIN_EXAMPLES, "-1"));
      } catch (NumberFormatException e) {
        // not said
      }
      return new DeviceData(name, extra.get(DATASET), n);
    }
  }

  /** Device fact: the data set a client loaded. */
  static final String DATASET = "dataset";

  /** Device fact: how many training examples it holds. */
  static final String TRAIN_EXAMPLES = "train_examples";

  /**
   * The {@code data} step's verdict.
   *
   * @param dataset the run's data set
   * @param devices the devices of the run's project online
   * @return the line
   * @throws Pipeline.Failed naming the first device that holds another data set or none of it
   */
  static String data(String dataset, List<DeviceData> devices) throws Pipeline.Failed {
    List<String> counts = new ArrayList<>();
    int silent = 0;
    for (DeviceData d : devices) {
      if (d.dataset() == null) {
        silent++;
        continue;
      }
      if (!d.dataset().equals(dataset)) {
        throw new Pipeline.Failed("data: device '" + d.name() + "' holds " + d.dataset()
            + ", the run trains on " + dataset);
      }
      if (d.trainExamples() == 0) {
        throw new Pipeline.Failed("data: device '" + d.name() + "' holds no training images of "
            + dataset);
      }
      counts.add(d.trainExamples() < 0 ? "?" : Long.toString(d.trainExamples()));
    }
    if (counts.isEmpty()) {
      return "data: no device reports its data set; checked on first train task";
    }
    String line = "data: " + counts.size() + (counts.size() == 1 ? " device holds " : " devices hold ")
        + dataset + " (" + String.join(", ", counts) + " training images)";
    return silent == 0 ? line : line + "; " + silent + " did not report its data set (checked on"
        + " its first train task)";
  }

  /**
   * The round {@code serve} picks as best: the highest central accuracy, else the lowest central
   * loss, else the last round.
   */
  static RoundRecord best(List<RoundRecord> rounds) {
    RoundRecord best = null;
    for (RoundRecord r : rounds) {
      if (!Double.isNaN(r.accuracy()) && (best == null || r.accuracy() > best.accuracy())) {
        best = r;
      }
    }
    if (best != null) {
      return best;
    }
    for (RoundRecord r : rounds) {
      if (!Double.isNaN(r.loss()) && (best == null || r.loss() < best.loss())) {
        best = r;
      }
    }
    return best != null ? best : rounds.get(rounds.size() - 1);
  }

  /**
   * The {@code evaluate} step's line: the last round's and the best round's central numbers, and
   * the devices' own evaluation of the last round where they made one.
   */
  static String evaluate(List<RoundRecord> rounds) throws Pipeline.Failed {
    if (rounds.isEmpty()) {
      throw new Pipeline.Failed("evaluate: the run has no completed round");
    }
    RoundRecord last = rounds.get(rounds.size() - 1);
    RoundRecord best = best(rounds);
    StringBuilder b = new StringBuilder("evaluate: last round ").append(last.round())
        .append(numbers(last.accuracy(), last.loss()));
    b.append("; best round ").append(best.round()).append(numbers(best.accuracy(), best.loss()));
    if (Double.isNaN(last.clientAccuracy()) && Double.isNaN(last.clientLoss())) {
      b.append("; devices: no evaluation on their own test sets (fraction-evaluate 0)");
    } else {
      b.append("; devices (their own test sets, weighted)")
          .append(numbers(last.clientAccuracy(), last.clientLoss()));
    }
    return b.toString();
  }

  private static String numbers(double accuracy, double loss) {
    if (Double.isNaN(accuracy) && Double.isNaN(loss)) {
      return " not evaluated";
    }
    StringBuilder b = new StringBuilder();
    if (!Double.isNaN(accuracy)) {
      b.append(String.format(Locale.ROOT, " accuracy %.4f", accuracy));
    }
    if (!Double.isNaN(loss)) {
      b.append(String.format(Locale.ROOT, " loss %.4f", loss));
    }
    return b.toString();
  }
}
