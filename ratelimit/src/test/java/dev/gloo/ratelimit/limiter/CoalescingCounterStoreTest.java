package dev.gloo.ratelimit.limiter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CoalescingCounterStoreTest {
  /** A store whose calls complete only when the test says so. */
  private static final class HeldStore implements CounterStore {
    final List<List<Increment>> calls = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<long[]>> replies = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<long[]> incrementAll(List<Increment> increments) {
      calls.add(List.copyOf(increments));
      CompletableFuture<long[]> f = new CompletableFuture<>();
      replies.add(f);
      return f;
    }

    /** Answers call {@code i} with 100 + the position of each increment in that call. */
    void answer(int i) {
      long[] v = new long[calls.get(i).size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = 100 + j;
      }
      replies.get(i).complete(v);
    }

    @Override
    public void close() {}
  }

  private static List<Increment> incs(String... keys) {
    List<Increment> out = new ArrayList<>();
    for (String k : keys) {
      out.add(new Increment(k, 1, 60));
    }
    return out;
  }

  @Test
  void requestsArrivingWhileCallsAreOutstandingLeaveTogetherInTheNextCall() throws Exception {
    HeldStore held = new HeldStore();
    CoalescingCounterStore store = new CoalescingCounterStore(held, 1, 256, 10_000);
    CompletableFuture<long[]> first = store.incrementAll(incs("a"));
    CompletableFuture<long[]> second = store.incrementAll(incs("b", "c"));
    CompletableFuture<long[]> third = store.incrementAll(incs("d"));
    assertEquals(1, held.calls.size(), "one call in flight at most");
    held.answer(0);
    assertArrayEquals(new long[] {100}, first.get(1, TimeUnit.SECONDS));
    assertEquals(2, held.calls.size());
    assertEquals(incs("b", "c", "d"), held.calls.get(1), "the waiting requests, merged in order");
    held.answer(1);
    assertArrayEquals(new long[] {100, 101}, second.get(1, TimeUnit.SECONDS));
    assertArrayEquals(new long[] {102}, third.get(1, TimeUnit.SECONDS));
  }

  @Test
  void aRequestIsNeverSplitAcrossCallsAndCallsRespectTheKeyBudget() throws Exception {
    HeldStore held = new HeldStore();
    CoalescingCounterStore store = new CoalescingCounterStore(held, 1, 3, 10_000);
    store.incrementAll(incs("a"));
    CompletableFuture<long[]> two = store.incrementAll(incs("b", "c"));
    CompletableFuture<long[]> three = store.incrementAll(incs("d", "e", "f"));
    held.answer(0);
    assertEquals(incs("b", "c"), held.calls.get(1), "b,c plus d,e,f would pass the budget of 3");
    held.answer(1);
    assertArrayEquals(new long[] {100, 101}, two.get(1, TimeUnit.SECONDS));
    assertEquals(incs("d", "e", "f"), held.calls.get(2));
    held.answer(2);
    assertArrayEquals(new long[] {100, 101, 102}, three.get(1, TimeUnit.SECONDS));
  }

  @Test
  void aFailedCallFailsEveryRequestInItAndTheNextCallStillLeaves() throws Exception {
    HeldStore held = new HeldStore();
    CoalescingCounterStore store = new CoalescingCounterStore(held, 1, 256, 10_000);
    CompletableFuture<long[]> first = store.incrementAll(incs("a"));
    CompletableFuture<long[]> second = store.incrementAll(incs("b"));
    held.replies.get(0).completeExceptionally(new IllegalStateException("connection refused"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(1, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    held.answer(1);
    assertArrayEquals(new long[] {100}, second.get(1, TimeUnit.SECONDS));
  }

  @Test
  void aQueuedRequestGivesUpAfterTheTimeoutWhenTheStoreNeverAnswers() {
    HeldStore held = new HeldStore();
    CoalescingCounterStore store = new CoalescingCounterStore(held, 1, 256, 200);
    store.incrementAll(incs("a"));
    long t0 = System.nanoTime();
    CompletableFuture<long[]> queued = store.incrementAll(incs("b"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(5, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
    held.answer(0);
    assertEquals(1, held.calls.size(), "the request that gave up is not counted afterwards");
  }
}
