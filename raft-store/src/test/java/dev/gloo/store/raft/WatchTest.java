package dev.gloo.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.store.RevisionCompactedException;
import dev.gloo.store.StoreException;
import dev.gloo.store.Txn;
import dev.gloo.store.Watch;
import dev.gloo.store.WatchEvent;
import dev.gloo.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WatchTest {

  /** Collects events and checks, as they arrive, that revisions strictly increase. */
  static final class Recorder implements WatchListener {
    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<StoreException> error = new CompletableFuture<>();

    @Override
    public void onEvents(List<WatchEvent> batch) {
      for (WatchEvent e : batch) {
        if (!events.isEmpty() && e.revision() < events.get(events.size() - 1).revision()) {
          error.complete(new StoreException("revision went backwards at " + e));
        }
        events.add(e);
      }
    }

    @Override
    public void onError(StoreException e) {
      error.complete(e);
    }

    List<WatchEvent> awaitCount(int n) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (events.size() < n && System.nanoTime() < deadline && !error.isDone()) {
        TestCluster.sleep(10);
      }
      assertTrue(!error.isDone(), () -> "watch failed: " + error.join());
      assertEquals(n, events.size(), "events delivered");
      return List.copyOf(events);
    }
  }

  @Test
  void everyNodeDeliversEveryChangeOnceInRevisionOrderThenLiveChanges() {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      RaftStoreNode writer = c.leader();
      long start = writer.txn(Txn.put("/other/x", new byte[0])).revision();
      List<Long> revisions = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        revisions.add(writer.txn(Txn.put("/w/" + (i % 5), new byte[] {(byte) i})).revision());
      }
      revisions.add(writer.txn(Txn.delete("/w/0")).revision());

      for (RaftStoreNode n : c.nodes()) {
        Recorder r = new Recorder();
        try (Watch w = n.watch("/w/", start, r)) {
          int expected = revisions.size();
          List<WatchEvent> caughtUp = r.awaitCount(expected);
          assertEquals(revisions, caughtUp.stream().map(WatchEvent::revision).toList(), n.nodeId());
          WatchEvent delete = caughtUp.get(20);
          assertEquals(WatchEvent.Type.DELETE, delete.type());
          assertEquals("/w/0", delete.kv().key());
          assertEquals(15, delete.kv().value()[0], "a delete event carries the last state");
          // Live: a change made after the catch-up arrives too, and nothing outside the prefix.
          writer.txn(Txn.put("/other/y", new byte[0]));
          long live = writer.txn(Txn.put("/w/live", new byte[0])).revision();
          assertEquals(live, r.awaitCount(expected + 1).get(expected).revision());
          assertTrue(w.lastDeliveredRevision() >= live);
          revisions.add(live);
        }
      }
    }
  }

  @Test
  void aWatchResumesFromAnyKeptRevisionWithoutGapsOrRepeats() {
    try (TestCluster c = TestCluster.started(1, TestCluster.FAST)) {
      RaftStoreNode n = c.node("n1");
      List<Long> revisions = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        revisions.add(n.txn(Txn.put("/resume/" + i, new byte[0])).revision());
      }
      long resumeAfter = revisions.get(11);
      Recorder r = new Recorder();
      try (Watch w = n.watch("/resume/", resumeAfter, r)) {
        assertEquals(revisions.subList(12, 30), r.awaitCount(18).stream().map(WatchEvent::revision).toList());
      }
      Recorder fromNow = new Recorder();
      try (Watch w = n.watch("/resume/", -1, fromNow)) {
        long next = n.txn(Txn.put("/resume/next", new byte[0])).revision();
        assertEquals(next, fromNow.awaitCount(1).get(0).revision());
      }
    }
  }

  @Test
  void aWatchFromACompactedRevisionFailsAsTooOld() throws Exception {
    NodeConfig.Tuning tuning = TestCluster.FAST.withHistory(10, Duration.ofMinutes(10));
    try (TestCluster c = TestCluster.started(1, tuning)) {
      RaftStoreNode n = c.node("n1");
      long first = n.txn(Txn.put("/old/0", new byte[0])).revision();
      Recorder slow = new Recorder();
      Watch kept = n.watch("/nothing-here/", first, slow);
      for (int i = 1; i < 40; i++) {
        n.txn(Txn.put("/old/" + i, new byte[0]));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (n.local().compactedRevision() <= first && System.nanoTime() < deadline) {
        TestCluster.sleep(50);
      }
      assertTrue(n.local().compactedRevision() > first, "history was never compacted");
      RevisionCompactedException e = assertThrows(RevisionCompactedException.class,
          () -> n.watch("/old/", first, new Recorder()));
      assertEquals(first, e.requested());
      assertEquals(n.local().compactedRevision(), e.compacted());
      // A watch that keeps up is not affected by compaction.
      kept.close();
      assertTrue(!slow.error.isDone(), "a watch that had kept up was cut off");
      Recorder recent = new Recorder();
      try (Watch w = n.watch("/old/", n.local().compactedRevision(), recent)) {
        assertTrue(recent.awaitCount((int) n.range("/old/", 0, java.util.Optional.empty()).items().stream()
            .filter(kv -> kv.modRevision() > n.local().compactedRevision()).count()).size() > 0);
      }
    }
  }
}
