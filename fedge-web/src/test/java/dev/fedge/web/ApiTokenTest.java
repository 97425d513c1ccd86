package dev.fedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {

  @TempDir Path dir;

  @Test
  void aGivenTokenIsUsedAndNotStored() throws Exception {
    ApiToken t = ApiToken.resolve("given-token-0123456789", dir);

    assertEquals("given-token-0123456789", t.value());
    assertFalse(t.generated());
    assertFalse(Files.exists(dir.resolve(ApiToken.FILE)));
  }

  @Test
  void aGeneratedTokenIsKeptForTheOwnerOnlyAndReused() throws Exception {
    ApiToken first = ApiToken.resolve(null, dir.resolve("state"));
    ApiToken second = ApiToken.resolve(null, dir.resolve("state"));
    Path file = dir.resolve("state").resolve(ApiToken.FILE);

    assertTrue(first.generated());
    assertFalse(second.generated());
    assertEquals(first.value(), second.value());
    assertEquals(43, first.value().length());
    assertEquals(first.value(), Files.readString(file).trim());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertFalse(first.toString().contains(first.value()));
  }

  @Test
  void matchesOnlyTheSameToken() {
    ApiToken t = ApiToken.of("abcdefghijklmnop-1");

    assertTrue(t.matches("abcdefghijklmnop-1"));
    assertFalse(t.matches("abcdefghijklmnop-2"));
    assertFalse(t.matches(null));
  }

  @Test
  void shortOrSpacedTokensAreRefused() throws Exception {
    Files.writeString(dir.resolve(ApiToken.FILE), "short\n");

    IllegalArgumentException given =
        assertThrows(IllegalArgumentException.class, () -> ApiToken.of("has a space in it!"));
    IllegalArgumentException stored =
        assertThrows(IllegalArgumentException.class, () -> ApiToken.resolve(null, dir));

    assertEquals(
        "api-token must be at least 16 printable characters without spaces, got 18" + " characters",
        given.getMessage());
    assertEquals(
        dir.resolve(ApiToken.FILE)
            + ": api-token must be at least 16 printable"
            + " characters without spaces, got 5 characters",
        stored.getMessage());
  }
}
