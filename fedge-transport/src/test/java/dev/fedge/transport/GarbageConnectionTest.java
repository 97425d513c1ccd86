package dev.fedge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage on the gRPC port (an HTTP/1.1 request, random bytes) is logged as one line naming the
 * remote address, with no stack trace, and the server goes on serving real clients.
 */
@Timeout(60)
class GarbageConnectionTest {

  /** Collects what the JUL root logger would print, formatted as the console would show it. */
  private static final class Capture extends Handler {
    private final List<String> lines = new ArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public synchronized void publish(LogRecord r) {
      if (isLoggable(r)) {
        lines.add(formatter.format(r));
      }
    }

    synchronized String text() {
      return String.join("", lines);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @TempDir Path dir;
  private SelfSignedCert tls;
  private final Capture capture = new Capture();
  private final Logger root = Logger.getLogger("");

  @BeforeEach
  void listen() {
    capture.setLevel(Level.INFO);
    root.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    root.removeHandler(capture);
  }

  @Test
  void http1Request_logsOneLineWithTheRemoteAddress_andRealClientsStillWork() throws Exception {
    assertGarbageIsOneLine("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void randomBytes_logOneLineWithTheRemoteAddress_andRealClientsStillWork() throws Exception {
    assertGarbageIsOneLine(TransportTestSupport.randomBytes(4096, 7));
  }

  @Test
  void http1RequestOnTheTlsPort_logsOneLineWithTheRemoteAddress_andTlsClientsStillWork()
      throws Exception {
    tls = SelfSignedCert.create(dir);
    assertGarbageIsOneLine("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(capture.text().contains("not a TLS handshake"), capture.text());
  }

  @Test
  void garbageAfterAValidPreface_isLoggedByGrpcAsOneLineWithoutStackTrace() throws Exception {
    try (TransportServer server = TransportServer.start(new TestHandler(),
        new TransportServer.Options("127.0.0.1", 0, null, null, 2))) {
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        OutputStream out = s.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(TransportTestSupport.randomBytes(4096, 9));
        out.flush();
        drain(s);
      }
      String log = awaitMention("Transport failed");
      assertTrue(log.contains("Transport failed: "), log);
      assertFalse(log.contains("\tat "), "stack trace in the log:\n" + log);
    }
  }

  private static void drain(Socket s) throws Exception {
    s.setSoTimeout(10_000);
    byte[] buf = new byte[8192];
    try {
      InputStream in = s.getInputStream();
      while (in.read(buf) >= 0) {
        // discard what the server answers (a GOAWAY, perhaps)
      }
    } catch (SocketException e) {
      // a reset is a close too
    }
  }

  private void assertGarbageIsOneLine(byte[] garbage) throws Exception {
    TransportServer.Options options = tls == null
        ? new TransportServer.Options("127.0.0.1", 0, null, null, 2)
        : new TransportServer.Options("127.0.0.1", 0, tls.cert(), tls.key(), 2);
    try (TransportServer server = TransportServer.start(new TestHandler(), options)) {
      String remote;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        remote = s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort();
        OutputStream out = s.getOutputStream();
        out.write(garbage);
        out.flush();
        drain(s); // the server closes the connection after the bad preface
      }
      // A real client's call afterwards: the server is still serving.
      try (FederationClient client =
          FederationClient.connect("127.0.0.1:" + server.port(), tls == null ? null : tls.cert())) {
        Registration reg = client.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS);
        assertEquals("c1", reg.clientId());
      }
      String log = awaitMention(remote);
      long mentioning = log.lines().filter(l -> l.contains(remote)).count();
      assertEquals(1, mentioning, "lines naming " + remote + " in:\n" + log);
      assertFalse(log.contains("\tat "), "stack trace in the log:\n" + log);
      assertFalse(log.lines().anyMatch(l -> l.matches("^[\\w.$]+(Exception|Error)(: .*)?$")),
          "exception trace in the log:\n" + log);
    }
  }

  /** The log once it contains {@code remote}, or after 10 s what it has. */
  private String awaitMention(String remote) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      String text = capture.text();
      if (text.contains(remote)) {
        Thread.sleep(200); // let a second line, if any, arrive
        return capture.text();
      }
      Thread.sleep(100);
    }
    return capture.text();
  }
}
