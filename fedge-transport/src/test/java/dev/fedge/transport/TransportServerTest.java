package dev.fedge.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class TransportServerTest {

  /** ResNet-18's 11.7M float32 values: 47 MB, far above gRPC's default 4 MiB message limit. */
  private static final int RESNET18_BYTES = 11_689_512 * 4;

  @TempDir Path dir;

  @Test
  void resNet18SizedModel_downloadsAndUploads_overTcpWithDefaultMessageLimits() throws Exception {
    TestHandler handler = new TestHandler();
    byte[] model = TransportTestSupport.randomBytes(RESNET18_BYTES, 11);
    ModelBlob blob = ModelBlob.of("resnet18", model);
    handler.models.put("resnet18", blob);
    try (TransportServer server = TransportServer.start(handler,
            new TransportServer.Options("127.0.0.1", 0, null, null, 2));
        FederationClient client = FederationClient.connect("127.0.0.1:" + server.port(), null)) {
      client.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS);

      byte[] down = client.downloadModel(blob.ref());
      down[0] ^= 1; // "train": change the model before sending it back
      client.uploadResult("t1", 10, Map.of(), "float32", TransportTestSupport.LAYOUT, false, down);

      byte[] up = handler.uploads.get("t1").get(30, TimeUnit.SECONDS);
      assertEquals(RESNET18_BYTES, up.length);
      assertArrayEquals(down, up);
      assertEquals(model[0] ^ 1, up[0]);
    }
  }

  @Test
  void tls_clientTrustingTheCa_connects_plaintextClientDoesNot() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    TestHandler handler = new TestHandler();
    try (TransportServer server = TransportServer.start(handler,
        new TransportServer.Options("127.0.0.1", 0, cert.cert(), cert.key(), 2))) {
      String target = "127.0.0.1:" + server.port();
      try (FederationClient tls = FederationClient.connect(target, cert.cert());
          FederationClient plain = FederationClient.connect(target, null)) {

        Registration reg = tls.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS);
        FederationException e = assertThrows(FederationException.class,
            () -> plain.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS));

        assertEquals("c1", reg.clientId());
        assertEquals(FederationException.Code.UNAVAILABLE, e.code());
      }
    }
  }

  @Test
  void tls_clientTrustingAnotherCa_isRefused() throws Exception {
    Path a = Files.createDirectory(dir.resolve("a"));
    Path b = Files.createDirectory(dir.resolve("b"));
    SelfSignedCert serverCert = SelfSignedCert.create(a);
    SelfSignedCert otherCa = SelfSignedCert.create(b);
    try (TransportServer server = TransportServer.start(new TestHandler(),
            new TransportServer.Options("127.0.0.1", 0, serverCert.cert(), serverCert.key(), 2));
        FederationClient client =
            FederationClient.connect("127.0.0.1:" + server.port(), otherCa.cert())) {

      FederationException e = assertThrows(FederationException.class,
          () -> client.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS));

      assertEquals(FederationException.Code.UNAVAILABLE, e.code());
    }
  }

  @Test
  void tls_missingKeyFile_isInvalidInputNamingTheFile() {
    Path cert = dir.resolve("none.crt");
    Path key = dir.resolve("none.key");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TransportServer.start(new TestHandler(),
            new TransportServer.Options("127.0.0.1", 0, cert, key, 2)));

    assertTrue(e.getMessage().contains(cert.toString()), e.getMessage());
  }

  @Test
  void serverDown_callsFailAsTransient() {
    try (FederationClient client = FederationClient.connect("127.0.0.1:1", null)) {
      FederationException e = assertThrows(FederationException.class,
          () -> client.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS));

      assertEquals(FederationException.Code.UNAVAILABLE, e.code());
      assertTrue(e.isTransient());
    }
  }

  @Test
  void connect_badTarget_namesValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationClient.connect("localhost", null));
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> FederationClient.connect("localhost:99999", null));

    assertEquals("--server: expected host:port, got 'localhost'", e.getMessage());
    assertTrue(port.getMessage().contains("'localhost:99999'"), port.getMessage());
  }

  @Test
  void options_certWithoutKey_isRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TransportServer.Options("0.0.0.0", 0, dir.resolve("c"), null, 1));

    assertTrue(e.getMessage().startsWith("TLS needs both a certificate and a key"));
  }
}
