package dev.fedge.data.reid;

import dev.fedge.data.DataFormatException;
import dev.fedge.data.DatasetUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Readers for the layouts of VeRi-776 and Market-1501 as their authors distribute them. Neither
 * can be downloaded automatically (VeRi needs a request to its authors, Market-1501 a manual
 * download); {@link #hint(String, Path)} says where to put the files.
 *
 * <ul>
 *   <li>VeRi-776: {@code image_train/}, {@code image_query/}, {@code image_test/} (the gallery)
 *       and the lists {@code name_train.txt}, {@code name_query.txt}, {@code name_test.txt}; file
 *       names {@code VVVV_cCCC_TTTTTTTT_N.jpg} (vehicle id, camera id).
 *   <li>Market-1501: {@code bounding_box_train/}, {@code query/}, {@code bounding_box_test/} (the
 *       gallery); file names {@code PPPP_cCsS_FFFFFF_NN.jpg}. As in the standard protocol, junk
 *       images (id {@code -1}) are dropped and distractors (id {@code 0000}) stay in the gallery.
 * </ul>
 */
public final class ReidReaders {

  /** Name of the VeRi-776 data set. */
  public static final String VERI776 = "veri776";

  /** Name of the Market-1501 data set. */
  public static final String MARKET1501 = "market1501";

  private static final Pattern VERI = Pattern.compile("(\\d{4})_c(\\d{3})_(\\d+)_(\\d+)\\.jpg");
  private static final Pattern MARKET =
      Pattern.compile("(-1|\\d{4})_c(\\d)s(\\d)_(\\d{6})_(\\d{2})\\.jpg");

  private ReidReaders() {}

  /** Whether {@code name} is a re-identification data set read here. */
  public static boolean isReid(String name) {
    return VERI776.equals(name) || MARKET1501.equals(name);
  }

  /**
   * What to put where for a data set, one line.
   *
   * @param name {@link #VERI776} or {@link #MARKET1501}
   * @param dir the data set's folder
   * @return the hint
   */
  public static String hint(String name, Path dir) {
    return switch (name) {
      case VERI776 -> "VeRi-776 needs a request to its authors (https://vehiclereid.github.io/"
          + "VeRi/); put image_train/, image_query/, image_test/, name_train.txt, name_query.txt"
          + " and name_test.txt in " + dir + "/";
      case MARKET1501 -> "Market-1501 needs a manual download; put bounding_box_train/, query/"
          + " and bounding_box_test/ (from Market-1501-v15.09.15) in " + dir + "/";
      default -> throw unknown(name);
    };
  }

  /**
   * The files or folders a data set needs that are missing from {@code dir}.
   *
   * @param name {@link #VERI776} or {@link #MARKET1501}
   * @param dir the data set's folder
   * @return missing names, empty when all are there
   */
  public static List<String> missing(String name, Path dir) {
    List<String> need = switch (name) {
      case VERI776 -> List.of("image_train/", "image_query/", "image_test/", "name_train.txt",
          "name_query.txt", "name_test.txt");
      case MARKET1501 -> List.of("bounding_box_train/", "query/", "bounding_box_test/");
      default -> throw unknown(name);
    };
    List<String> out = new ArrayList<>();
    for (String n : need) {
      Path p = dir.resolve(n.endsWith("/") ? n.substring(0, n.length() - 1) : n);
      if (n.endsWith("/") ? !Files.isDirectory(p) : !Files.isRegularFile(p)) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Reads a data set from its folder.
   *
   * @param name {@link #VERI776} or {@link #MARKET1501}
   * @param dir the folder that holds the layout
   * @return the samples
   * @throws DatasetUnavailableException when a folder or list file is missing (one line naming
   *     it and saying where to put the files)
   * @throws DataFormatException naming the file when a name is malformed or a listed image is
   *     missing
   * @throws IOException when a folder cannot be listed
   */
  public static ReidDataset read(String name, Path dir) throws IOException {
    List<String> miss = missing(name, dir);
    if (!miss.isEmpty()) {
      throw new DatasetUnavailableException(
          name + ": missing " + String.join(", ", miss) + " in " + dir + ": " + hint(name, dir),
          null);
    }
    return switch (name) {
      case VERI776 -> new ReidDataset(name,
          veri(dir, "image_train", "name_train.txt", ReidSplit.TRAIN),
          veri(dir, "image_query", "name_query.txt", ReidSplit.QUERY),
          veri(dir, "image_test", "name_test.txt", ReidSplit.GALLERY));
      case MARKET1501 -> new ReidDataset(name,
          market(dir.resolve("bounding_box_train"), ReidSplit.TRAIN),
          market(dir.resolve("query"), ReidSplit.QUERY),
          market(dir.resolve("bounding_box_test"), ReidSplit.GALLERY));
      default -> throw unknown(name);
    };
  }

  /** Reads a VeRi-776 list file and checks each listed image is in the folder. */
  static List<ReidSample> veri(Path dir, String folder, String list, ReidSplit split)
      throws IOException {
    Path listFile = dir.resolve(list);
    Path images = dir.resolve(folder);
    List<ReidSample> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(listFile, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      Matcher m = VERI.matcher(line);
      if (!m.matches()) {
        throw new DataFormatException(listFile.toString(),
            "line " + (i + 1) + ": '" + line + "' is not VVVV_cCCC_TTTTTTTT_N.jpg");
      }
      Path img = images.resolve(line);
      if (!Files.isRegularFile(img)) {
        throw new DataFormatException(listFile.toString(),
            "line " + (i + 1) + ": " + line + " is not in " + images);
      }
      out.add(new ReidSample(img, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          split));
    }
    if (out.isEmpty()) {
      throw new DataFormatException(listFile.toString(), "lists no images");
    }
    return out;
  }

  /** Reads a Market-1501 folder; junk ({@code -1}) dropped, distractors ({@code 0000}) kept. */
  static List<ReidSample> market(Path folder, ReidSplit split) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(folder)) {
      s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jpg"))
          .forEach(files::add);
    }
    Collections.sort(files);
    List<ReidSample> out = new ArrayList<>();
    for (Path p : files) {
      String n = p.getFileName().toString();
      Matcher m = MARKET.matcher(n);
      if (!m.matches()) {
        throw new DataFormatException(p.toString(), "name is not PPPP_cCsS_FFFFFF_NN.jpg");
      }
      if (m.group(1).equals("-1")) {
        continue; // junk: not counted as a match or a non-match
      }
      int id = Integer.parseInt(m.group(1));
      if (id == 0 && split != ReidSplit.GALLERY) {
        continue; // distractors belong to the gallery only
      }
      out.add(new ReidSample(p, id, Integer.parseInt(m.group(2)), split));
    }
    if (out.isEmpty()) {
      throw new DataFormatException(folder.toString(), "has no PPPP_cCsS_FFFFFF_NN.jpg images");
    }
    return out;
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException(
        "not a re-identification data set: '" + name + "' (known: veri776, market1501)");
  }
}
