package dev.fedge.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made with the JDK's keytool, written as PEM files.
 *
 * <p>Shared with other modules' tests through fedge-transport's test-jar ({@code
 * <type>test-jar</type>}).
 *
 * @param cert the certificate, PEM
 * @param key its private key, PEM (PKCS#8)
 */
public record SelfSignedCert(Path cert, Path key) {

  /**
   * Makes a 2048-bit RSA key and certificate for {@code localhost} and 127.0.0.1, valid 2 days.
   *
   * @param dir folder for {@code server.p12}, {@code server.crt} and {@code server.key}
   * @return the PEM files
   * @throws IOException if keytool fails or a file cannot be written
   * @throws InterruptedException if interrupted while waiting for keytool
   */
  public static SelfSignedCert create(Path dir) throws IOException, InterruptedException {
    Path ks = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "fedge",
        "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", ks.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit"))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + out);
    }
    try (InputStream in = Files.newInputStream(ks)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, "changeit".toCharArray());
      PrivateKey key = (PrivateKey) store.getKey("fedge", "changeit".toCharArray());
      Certificate cert = store.getCertificate("fedge");
      Path certFile = dir.resolve("server.crt");
      Path keyFile = dir.resolve("server.key");
      Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
      Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
      return new SelfSignedCert(certFile, keyFile);
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
