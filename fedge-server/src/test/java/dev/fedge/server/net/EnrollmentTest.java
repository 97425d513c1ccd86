package dev.fedge.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The enrollment decision alone: no gRPC, no state store. */
class EnrollmentTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration LATE = Duration.ofMinutes(5);
  private final Enrollment open = new Enrollment(null, TIMEOUT);
  private final Enrollment guarded = new Enrollment("s3cret", TIMEOUT);

  private static Enrollment.Holder holder(boolean connected, Duration heard, boolean credential) {
    return new Enrollment.Holder("c4", false, connected, Optional.ofNullable(heard), credential);
  }

  private static Code code(Runnable r) {
    return assertThrows(FederationException.class, r::run).code();
  }

  @Test
  void aFreeName_isANewDevice() {
    Enrollment.Decision d = open.decide("pi", null, LATE);
    assertFalse(d.again());
    assertNull(d.takeover());
  }

  @Test
  void theDevicesOwnCredential_registersAgain_evenWhileConnected() {
    Enrollment.Decision d = open.decide("pi", holder(true, Duration.ofSeconds(1), true), LATE);
    assertTrue(d.again());
    assertNull(d.takeover());
  }

  @Test
  void aConnectedDevicesName_withoutItsCredential_isRefused() {
    FederationException e = assertThrows(FederationException.class,
        () -> open.decide("pi", holder(true, Duration.ofSeconds(3), false), LATE));
    assertEquals(Code.ALREADY_EXISTS, e.code());
    assertEquals("device 'pi' (c4) is connected, last heard from 3.0 s ago: stop that client or"
        + " choose another --name (the name is free again once c4 has been silent for 10 s)",
        e.getMessage());
  }

  @Test
  void anOfflineDevicesName_isTakenOver_andTheTakeoverSaysWhy() {
    Enrollment.Decision silent =
        open.decide("pi", holder(true, Duration.ofSeconds(30), false), LATE);
    assertTrue(silent.again());
    assertEquals("took over the name of offline device c4 ('pi', last heard from 30 s ago)",
        silent.takeover());
    Enrollment.Decision gone = open.decide("pi", holder(false, Duration.ofSeconds(2), false), LATE);
    assertEquals("took over the name of offline device c4 ('pi', last heard from 2.0 s ago)",
        gone.takeover());
  }

  @Test
  void aSavedDevice_keepsItsNameForAHeartbeatTimeoutAfterARestart_thenItCanBeTakenOver() {
    FederationException e = assertThrows(FederationException.class,
        () -> open.decide("pi", holder(false, null, false), Duration.ofSeconds(4)));
    assertEquals(Code.ALREADY_EXISTS, e.code());
    assertTrue(e.getMessage().contains("was registered before the server restarted 4.0 s ago"),
        e.getMessage());
    assertEquals("took over the name of offline device c4 ('pi', not heard from since the server"
        + " started)", open.decide("pi", holder(false, null, false), LATE).takeover());
    assertTrue(open.decide("pi", holder(false, null, true), Duration.ZERO).again());
  }

  @Test
  void aRevokedDevice_staysRefused_evenWithItsCredential() {
    Enrollment.Holder revoked = new Enrollment.Holder("c4", true, false, Optional.empty(), true);
    FederationException e =
        assertThrows(FederationException.class, () -> open.decide("pi", revoked, LATE));
    assertEquals(Code.PERMISSION_DENIED, e.code());
    assertEquals("device 'pi' (c4) has been revoked", e.getMessage());
  }

  @Test
  void token_andName_areChecked() {
    assertEquals(Code.UNAUTHENTICATED, code(() -> guarded.checkRequest("", "pi")));
    assertEquals(Code.UNAUTHENTICATED, code(() -> guarded.checkRequest("wrong", "pi")));
    guarded.checkRequest("s3cret", "pi");
    open.checkRequest("", "pi");
    assertEquals(Code.INVALID_ARGUMENT, code(() -> open.checkRequest("", " ")));
    assertEquals(Code.INVALID_ARGUMENT, code(() -> open.checkRequest("", "x".repeat(201))));
  }

  @Test
  void withoutAToken_onlyLoopbackCallersAreAccepted() {
    InetSocketAddress far = new InetSocketAddress("192.0.2.7", 4000);
    assertEquals(Code.PERMISSION_DENIED, code(() -> open.checkOrigin(far)));
    open.checkOrigin(new InetSocketAddress("127.0.0.1", 4000));
    open.checkOrigin(null);
    guarded.checkOrigin(far);
  }

  @Test
  void credentials_matchOnlyTheirHash() {
    String c = Credentials.create();
    String hash = Credentials.sha256Hex(c);
    assertTrue(Credentials.matches(c, hash));
    assertFalse(Credentials.matches(Credentials.create(), hash));
    assertFalse(Credentials.matches("", hash));
    assertFalse(Credentials.matches(c, null));
  }

  @Test
  void spans_readLikeAPersonWouldSayThem() {
    assertEquals("0.4 s", Enrollment.span(Duration.ofMillis(400)));
    assertEquals("12 s", Enrollment.span(Duration.ofSeconds(12)));
    assertEquals("3.5 min", Enrollment.span(Duration.ofSeconds(210)));
    assertEquals("2.0 h", Enrollment.span(Duration.ofHours(2)));
  }
}
