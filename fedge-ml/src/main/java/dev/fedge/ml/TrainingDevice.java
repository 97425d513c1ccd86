package dev.fedge.ml;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

/**
 * Where local training runs: {@code fedge client --device auto|cpu|gpu}. fedge's trainer ({@link
 * DjlRuntime}) keeps the model in Java-owned direct buffers that PyTorch reads and writes in place,
 * so it runs on the CPU; a CUDA GPU is used only once that path exists and has been verified on a
 * GPU machine (docs/DEVICES.md). Until then this class says plainly, in one line, why a GPU is not
 * used: no CUDA GPU, a CPU-only PyTorch native, or the trainer itself.
 *
 * @param device {@code cpu}
 * @param note why, for the client's log and the device's facts
 */
public record TrainingDevice(String device, String note) {

  /** What the user asked for. */
  public enum Choice {
    /** A GPU when one is usable, else the CPU. */
    AUTO,
    /** The CPU. */
    CPU,
    /** A GPU, or a one-line refusal. */
    GPU;

    /**
     * Reads {@code auto}, {@code cpu} or {@code gpu}.
     *
     * @param s the flag's value
     * @return the choice
     * @throws IllegalArgumentException naming the value and the known ones
     */
    public static Choice parse(String s) {
      try {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("--device: unknown device '" + s
            + "' (known: auto, cpu, gpu)");
      }
    }
  }

  /** A GPU was asked for and cannot be used; the message says why, in one line. */
  public static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  /**
   * Decides where this machine trains, from what it has: CUDA GPUs seen by the driver and the
   * PyTorch native on the classpath. Starts nothing.
   *
   * @param choice what was asked for
   * @return the decision
   * @throws Unavailable when {@code gpu} was asked for
   */
  public static TrainingDevice choose(Choice choice) {
    return decide(choice, DjlRuntime.cudaGpuCount(), nativeFlavor());
  }

  /**
   * The decision, from the facts.
   *
   * @param choice what was asked for
   * @param cudaGpus CUDA GPUs the driver reports
   * @param flavor the PyTorch native's flavor ({@code cpu}, {@code cu124}, ...), or {@code
   *     PYTORCH_LIBRARY_PATH} when a local libtorch is named
   * @return the decision
   * @throws Unavailable when {@code gpu} was asked for
   */
  static TrainingDevice decide(Choice choice, int cudaGpus, String flavor) {
    String why;
    if (cudaGpus == 0) {
      why = "no CUDA GPU on this machine";
    } else if (flavor.equals("cpu")) {
      why = cudaGpus + " CUDA GPU" + (cudaGpus > 1 ? "s" : "") + " present, but the PyTorch"
          + " native in use is the CPU build";
    } else {
      why = cudaGpus + " CUDA GPU" + (cudaGpus > 1 ? "s" : "") + " present with PyTorch "
          + flavor + ", but fedge's trainer runs on the CPU only in this version";
    }
    if (choice == Choice.GPU) {
      throw new Unavailable("--device gpu: " + why + "; training needs --device cpu (or auto)"
          + " here (see docs/DEVICES.md)");
    }
    return new TrainingDevice("cpu", choice == Choice.CPU ? "asked for" : why);
  }

  /** The flavor of the PyTorch native DJL will load. */
  static String nativeFlavor() {
    String local = System.getenv("PYTORCH_LIBRARY_PATH");
    if (local != null && !local.isBlank()) {
      return "PYTORCH_LIBRARY_PATH " + local;
    }
    try (InputStream in = TrainingDevice.class.getClassLoader()
        .getResourceAsStream("native/lib/pytorch.properties")) {
      if (in == null) {
        return "cpu";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("flavor", "cpu");
    } catch (IOException e) {
      return "cpu";
    }
  }

  /** One line: {@code training on cpu (no CUDA GPU on this machine)}. */
  public String describe() {
    return "training on " + device + " (" + note + ")";
  }
}
