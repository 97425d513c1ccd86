package dev.fedge.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a tiny stand-in for fedge.jar: prints "fake client ARGS" and sleeps.
 *
 * <p>Shared with other modules' tests through fedge-fleet's test-jar.
 */
public final class SleeperJars {

  private SleeperJars() {}

  /**
   * Writes a runnable jar whose main class, {@code dev.fedge.cli.Fedge} as in fedge.jar, prints
   * {@code fake client ARGS} and sleeps 5 minutes.
   *
   * @param jar the jar file to write
   * @return {@code jar}
   * @throws IOException if it cannot be compiled or written
   */
  public static Path sleeper(Path jar) throws IOException {
    Path src = Files.createTempDirectory("sleeper");
    // the main class of fedge.jar, which fleet start runs with -cp (to add the host's native)
    Path java = Files.createDirectories(src.resolve("dev/fedge/cli")).resolve("Fedge.java");
    Files.writeString(java, String.join("\n",
        "package dev.fedge.cli;",
        "public class Fedge {",
        "  public static void main(String[] args) throws Exception {",
        "    System.out.println(\"fake client \" + String.join(\" \", args));",
        "    System.out.flush();",
        "    Thread.sleep(300_000);",
        "  }",
        "}"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac.run(null, null, null, "--release", "17", "-d", src.toString(), java.toString())
        != 0) {
      throw new IOException("could not compile " + java);
    }
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.fedge.cli.Fedge");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jos = new JarOutputStream(out, mf)) {
      jos.putNextEntry(new JarEntry("dev/fedge/cli/Fedge.class"));
      jos.write(Files.readAllBytes(src.resolve("dev/fedge/cli/Fedge.class")));
      jos.closeEntry();
    }
    return jar;
  }

  /**
   * Kills a process left running by a failed test.
   *
   * @param pidFile a file holding the pid, possibly absent
   * @throws IOException if it exists but cannot be read
   */
  public static void killFromPidFile(Path pidFile) throws IOException {
    if (Files.exists(pidFile)) {
      String pid = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
