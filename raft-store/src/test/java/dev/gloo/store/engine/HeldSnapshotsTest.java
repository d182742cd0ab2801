package dev.gloo.store.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeldSnapshotsTest {
  private final AtomicLong clock = new AtomicLong(0);
  private final AtomicInteger released = new AtomicInteger();
  // The bookkeeping never looks inside a snapshot, so none is needed here.
  private final HeldSnapshots held = new HeldSnapshots(clock::get, 1_000, 2, s -> released.incrementAndGet());

  @Test
  void aSnapshotDroppedWhileBeingReadIsReleasedWhenItsLastReaderIsDone() {
    assertTrue(held.hold(1, null));
    HeldSnapshots.Lease first = held.acquire(1);
    HeldSnapshots.Lease second = held.acquire(1);
    assertTrue(held.hold(2, null));
    assertTrue(held.hold(3, null)); // over the limit: revision 1 goes, but is being read
    assertNull(held.acquire(1));
    assertEquals(0, released.get());
    first.close();
    assertEquals(0, released.get());
    second.close();
    assertEquals(1, released.get());
  }

  @Test
  void aSecondHoldOfOneRevisionIsRefusedAndRenewsTheFirst() {
    assertTrue(held.hold(5, null));
    clock.set(900);
    assertFalse(held.hold(5, null));
    clock.set(1_800);
    HeldSnapshots.Lease lease = held.acquire(5);
    lease.close();
    clock.set(2_800);
    assertNull(held.acquire(5));
    assertEquals(1, released.get());
  }

  @Test
  void releaseAllFreesEverySnapshot() {
    held.hold(1, null);
    held.hold(2, null);
    held.releaseAll();
    assertEquals(2, released.get());
    assertEquals(0, held.size());
  }
}
