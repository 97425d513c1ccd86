package dev.fedge.server.sim;

import dev.fedge.server.settings.FleetProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * What each device class of a simulated fleet gave the model: its tasks, its updates, and the
 * share of its training images that reached the model (the images of its devices with at least
 * one update in). Written as {@code fleet.csv}: {@code class,devices,speed,images,selected,updates,
 * images_in_model,data_share}.
 */
final class FleetTally {

  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
      .setRecordSeparator(System.lineSeparator())
      .setHeader("class", "devices", "speed", "images", "selected", "updates", "images_in_model",
          "data_share")
      .get();

  private final FleetProfile fleet;
  private final int[] sizes;
  private final int[] selected;
  private final int[] updates;

  /**
   * An empty tally.
   *
   * @param fleet the fleet
   * @param sizes each client's training images
   */
  FleetTally(FleetProfile fleet, int[] sizes) {
    this.fleet = fleet;
    this.sizes = sizes.clone();
    this.selected = new int[sizes.length];
    this.updates = new int[sizes.length];
  }

  /** A client was selected for a task. */
  synchronized void selected(int client) {
    selected[client]++;
  }

  /** A client's update reached the model. */
  synchronized void updated(int client) {
    updates[client]++;
  }

  /** One class's totals. */
  record ClassShare(String name, int devices, double speed, long images, int selected,
      int updates, long imagesInModel) {

    /** The share of the class's images that reached the model, in [0, 1]. */
    double dataShare() {
      return images == 0 ? 0 : (double) imagesInModel / images;
    }
  }

  /** The totals per class, in the fleet's order. */
  synchronized List<ClassShare> shares() {
    List<ClassShare> out = new ArrayList<>();
    int client = 0;
    for (FleetProfile.DeviceClass c : fleet.classes()) {
      long images = 0;
      long in = 0;
      int sel = 0;
      int upd = 0;
      for (int j = 0; j < c.count(); j++, client++) {
        images += sizes[client];
        sel += selected[client];
        upd += updates[client];
        if (updates[client] > 0) {
          in += sizes[client];
        }
      }
      out.add(new ClassShare(c.name(), c.count(), c.speed(), images, sel, upd, in));
    }
    return out;
  }

  /** Writes {@code fleet.csv}. */
  void write(Path file) throws IOException {
    try (CSVPrinter p = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8),
        FORMAT)) {
      for (ClassShare s : shares()) {
        p.printRecord(s.name(), s.devices(), String.format(Locale.ROOT, "%.6g", s.speed()),
            s.images(), s.selected(), s.updates(), s.imagesInModel(),
            String.format(Locale.ROOT, "%.4f", s.dataShare()));
      }
    }
  }

  /** One line: each class's updates over its tasks and its data share. */
  String summary() {
    StringBuilder b = new StringBuilder("fleet:");
    for (ClassShare s : shares()) {
      b.append(String.format(Locale.ROOT, " %s %d/%d updates, %.0f%% of its data in the model;",
          s.name(), s.updates(), s.selected(), 100 * s.dataShare()));
    }
    return b.substring(0, b.length() - 1);
  }
}
