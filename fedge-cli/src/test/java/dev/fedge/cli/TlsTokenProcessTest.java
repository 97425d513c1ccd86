package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.DeviceFacts;
import dev.fedge.server.store.ModelStore;
import dev.fedge.transport.FederationClient;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.SelfSignedCert;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A {@code fedge server} process with TLS and an enrollment token. */
@Timeout(240)
class TlsTokenProcessTest {

  @TempDir Path dir;
  private FedgeProcess server;
  private FedgeProcess client;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void tlsServerWithToken_refusesPlaintextAndTokenless_acceptsTheRightClient() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    int port = FederationProcessTest.freePort();
    String target = "127.0.0.1:" + port;
    Path state = dir.resolve("state");
    Path data = dir.resolve("data");
    server = FedgeProcess.start("server", dir, "server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--http-port", "0", "--state-dir", state.toString(), "--min-clients", "1",
        "--rounds", "1", "--run", "tls", "--test-limit", "100", "--threads", "1",
        "--tls-cert", cert.cert().toString(), "--tls-key", cert.key().toString(),
        "--enroll-token", "s3cret", "--data-dir", data.toString(), "--exit-when-done");
    server.awaitLine("listening on 127.0.0.1:" + port + " \\(TLS\\)", Duration.ofSeconds(60));
    server.awaitLine("clients must present the enrollment token", Duration.ofSeconds(10));

    try (FederationClient plain = FederationClient.connect(target, null);
        FederationClient noToken = FederationClient.connect(target, cert.cert())) {
      FederationException p = assertThrows(FederationException.class,
          () -> plain.register("s3cret", "plain", DeviceFacts.unknown()));
      FederationException t = assertThrows(FederationException.class,
          () -> noToken.register("", "no-token", DeviceFacts.unknown()));
      assertEquals(FederationException.Code.UNAVAILABLE, p.code());
      assertEquals(FederationException.Code.UNAUTHENTICATED, t.code());
      assertEquals("this server needs an enrollment token: start the client with"
          + " --enroll-token", t.getMessage());
    }
    CliRun wrong = CliRun.of("client", "--server", target, "--ca", cert.cert().toString(),
        "--enroll-token", "guess", "--train-limit", "100", "--test-limit", "10",
        "--data-dir", data.toString(), "--name", "wrong-token");
    assertEquals(ExitException.FAILURE, wrong.code(), wrong.err());
    assertTrue(wrong.err().contains("refused to register this device: wrong enrollment token"),
        wrong.err());

    client = FedgeProcess.start("client", dir, "client", "--server", target,
        "--ca", cert.cert().toString(), "--enroll-token", "s3cret", "--train-limit", "300",
        "--test-limit", "50", "--threads", "1", "--data-dir", data.toString());

    assertEquals(0, server.awaitExit(Duration.ofSeconds(180)), server::tail);
    client.awaitLine("connecting to " + target + " with TLS", Duration.ofSeconds(30));
    assertTrue(new ModelStore(state.resolve("models")).rounds("default", "tls").contains(1));
  }
}
