package dev.fedge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FederationHandlerTest {

  @Test
  void cleanReason_makesOneLine_andTrims() {
    String cleaned = FederationHandler.cleanReason("  CUDA error:\r\n\tout of memory \u0000 ");

    assertEquals("CUDA error: out of memory", cleaned);
  }

  @Test
  void cleanReason_blankOrNull_isNoReasonGiven() {
    assertEquals("no reason given", FederationHandler.cleanReason(""));
    assertEquals("no reason given", FederationHandler.cleanReason(" \n\t"));
    assertEquals("no reason given", FederationHandler.cleanReason(null));
  }

  @Test
  void cleanReason_cutsLongReasons_keepsShortOnesWhole() {
    String exact = "y".repeat(FederationHandler.MAX_FAILURE_REASON);
    String tooLong = "z".repeat(FederationHandler.MAX_FAILURE_REASON + 1);

    assertEquals(exact, FederationHandler.cleanReason(exact + "   "));
    assertEquals("z".repeat(FederationHandler.MAX_FAILURE_REASON - 3) + "...",
        FederationHandler.cleanReason(tooLong));
  }

  @Test
  void cleanReason_doesNotSplitASurrogatePair() {
    String emoji = "\uD83D\uDD25"; // one code point, two chars
    String reason =
        "a".repeat(FederationHandler.MAX_FAILURE_REASON - 4) + emoji + "b".repeat(10);

    String cleaned = FederationHandler.cleanReason(reason);

    assertEquals("a".repeat(FederationHandler.MAX_FAILURE_REASON - 4) + "...", cleaned);
  }
}
