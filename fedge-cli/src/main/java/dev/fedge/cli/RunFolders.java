package dev.fedge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where {@code simulate} writes its run: never over an earlier run unless asked ({@code
 * --overwrite}), and with one line saying why when the folder cannot be used.
 */
final class RunFolders {

  private RunFolders() {}

  /**
   * The folder to write to: {@code folder} itself when it is given on purpose ({@code --out},
   * {@code out:} in the file, or {@code --overwrite}) or holds no run yet; else the first of {@code
   * folder-2}, {@code folder-3}, ... that holds none.
   *
   * @param folder the run folder the settings name
   * @param given whether it was given on purpose
   * @return the folder to use
   */
  static Path free(Path folder, boolean given) throws IOException {
    if (given || !holdsRun(folder)) {
      return folder;
    }
    for (int i = 2; ; i++) {
      Path next = folder.resolveSibling(folder.getFileName() + "-" + i);
      if (!holdsRun(next)) {
        return next;
      }
    }
  }

  /** Refuses (exit 2) a folder that holds an earlier run. */
  static void checkNoEarlierRun(Path folder) throws IOException {
    if (holdsRun(folder)) {
      throw new ExitException(ExitException.INVALID_INPUT, "run folder " + folder
          + " holds an earlier run; use --overwrite to replace it, or another --out");
    }
  }

  /** Creates the folder, or says in one line (exit 2) why it cannot be used. */
  static void create(Path folder) {
    if (Files.exists(folder) && !Files.isDirectory(folder)) {
      throw new ExitException(ExitException.INVALID_INPUT,
          "--out " + folder + " is a file, not a folder");
    }
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new ExitException(ExitException.INVALID_INPUT, "cannot create run folder " + folder
          + ": " + reason(e), e);
    }
    Path probe = folder.resolve(".fedge-write-test");
    try {
      Files.deleteIfExists(Files.createFile(probe));
    } catch (IOException e) {
      throw new ExitException(ExitException.INVALID_INPUT, "cannot write to run folder " + folder
          + ": " + reason(e), e);
    }
  }

  private static boolean holdsRun(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isPresent();
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return f.getFile() + " is a file, not a folder";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
