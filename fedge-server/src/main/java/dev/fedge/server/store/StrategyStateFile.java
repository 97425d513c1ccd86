package dev.fedge.server.store;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strategy's server-side state after a round ({@code Strategy#state()}: FedAvgM's momentum,
 * FedAdam's moments) as a safetensors file of one F32 vector per buffer, with the round in its
 * metadata. Written to a temporary file and moved into place, so a process killed mid-write leaves
 * no half file.
 */
public final class StrategyStateFile {

  /** Metadata key of the round the state is from. */
  public static final String ROUND = "round";

  private StrategyStateFile() {}

  /**
   * The state files of one run, one per round ({@code <dir>/<prefix><round>.safetensors}), of
   * which only the newest that a checkpoint names is worth keeping: the caller writes round r's
   * state, then the record that names round r, then {@link #deleteExcept} r, so a process killed
   * anywhere leaves a matching pair.
   *
   * @param dir the folder
   * @param prefix the file name before the round
   */
  public record Series(Path dir, String prefix) {

    /** The file of a round (it may not exist). */
    public Path file(int round) {
      return dir.resolve(prefix + round + ".safetensors");
    }

    /**
     * Deletes the series' files of every round but one.
     *
     * @param keep the round to keep, or -1 for none
     * @throws IOException when a file cannot be deleted
     */
    public void deleteExcept(int keep) throws IOException {
      if (!Files.isDirectory(dir)) {
        return;
      }
      Path kept = file(keep);
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          String n = f.getFileName().toString();
          if (n.startsWith(prefix)
              && n.endsWith(".safetensors")
              && n.substring(prefix.length(), n.length() - ".safetensors".length())
                  .matches("\\d+")
              && !f.equals(kept)) {
            Files.deleteIfExists(f);
          }
        }
      }
    }
  }

  /**
   * A read state.
   *
   * @param round the round after which it was saved
   * @param buffers the buffers, by name
   */
  public record Saved(int round, Map<String, float[]> buffers) {}

  /**
   * Writes a state atomically.
   *
   * @param file where
   * @param round the round it is from
   * @param buffers the buffers, by name (non-empty)
   * @throws IOException when it cannot be written
   */
  public static void write(Path file, int round, Map<String, float[]> buffers) throws IOException {
    if (buffers.isEmpty()) {
      throw new IllegalArgumentException("strategy state: no buffers to write");
    }
    List<TensorSpec> specs = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, float[]> e : buffers.entrySet()) {
      specs.add(new TensorSpec(e.getKey(), new int[] {e.getValue().length}));
      total += e.getValue().length;
    }
    float[] all = new float[total];
    int at = 0;
    for (float[] b : buffers.values()) {
      System.arraycopy(b, 0, all, at, b.length);
      at += b.length;
    }
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve(file.getFileName() + ".tmp");
    SafeTensors.write(
        new Parameters(new ParameterLayout(specs), all), Map.of(ROUND, Integer.toString(round)), tmp);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads a state.
   *
   * @param file the file
   * @return its round and buffers
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException when it is not a state file, naming the file and the problem
   */
  public static Saved read(Path file) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    String round = c.metadata().get(ROUND);
    if (round == null || !round.matches("\\d{1,9}")) {
      throw new IllegalArgumentException(
          file.getFileName() + ": not a strategy state file (no round in its metadata)");
    }
    Map<String, float[]> buffers = new LinkedHashMap<>();
    ParameterLayout layout = c.parameters().layout();
    float[] v = c.parameters().values();
    for (int i = 0; i < layout.count(); i++) {
      int off = layout.offset(i);
      buffers.put(
          layout.tensors().get(i).name(),
          java.util.Arrays.copyOfRange(v, off, off + layout.tensors().get(i).size()));
    }
    return new Saved(Integer.parseInt(round), buffers);
  }
}
