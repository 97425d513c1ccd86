package dev.fedge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UploadPermitsTest {

  @Test
  void buffers_ofTheSameLength_areReused_andAtMostPermitsAreKept() {
    UploadPermits permits = new UploadPermits(2);
    byte[] a = permits.buffer(100);
    byte[] b = permits.buffer(100);
    byte[] c = permits.buffer(100);
    assertNotSame(a, b);

    permits.recycle(a);
    permits.recycle(b);
    permits.recycle(c); // a third one is not kept

    assertEquals(2, permits.pooled());
    byte[] again = permits.buffer(100);
    assertSame(b, again); // the last one given back
    assertEquals(100, again.length);
    assertEquals(50, permits.buffer(50).length); // another length: a new array
    permits.recycle(permits.buffer(50)); // the model's size changed: the 100-byte one goes
    assertEquals(1, permits.pooled());
    assertEquals(50, permits.buffer(50).length);
    assertEquals(0, permits.pooled());
  }

  @Test
  void waiters_areGrantedInOrder_whenPermitsAreReleased() {
    UploadPermits permits = new UploadPermits(1);
    List<String> granted = new ArrayList<>();

    permits.acquire(() -> granted.add("a"));
    permits.acquire(() -> granted.add("b"));
    permits.acquire(() -> granted.add("c"));
    List<String> beforeRelease = List.copyOf(granted);
    permits.release();
    permits.release();

    assertEquals(List.of("a"), beforeRelease);
    assertEquals(List.of("a", "b", "c"), granted);
    assertEquals(0, permits.available());
    permits.release();
    assertEquals(1, permits.available());
  }

  @Test
  void withdrawnWaiter_isNeverGranted() {
    UploadPermits permits = new UploadPermits(1);
    List<String> granted = new ArrayList<>();
    permits.acquire(() -> granted.add("a"));
    Runnable withdrawB = permits.acquire(() -> granted.add("b"));

    withdrawB.run();
    permits.release();

    assertEquals(List.of("a"), granted);
    assertEquals(1, permits.available());
  }

  @Test
  void zeroPermits_isRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new UploadPermits(0));
    assertEquals("max concurrent uploads must be >= 1, got 0", e.getMessage());
  }
}
