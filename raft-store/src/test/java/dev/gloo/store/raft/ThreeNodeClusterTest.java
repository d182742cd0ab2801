package dev.gloo.store.raft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.store.KeyValue;
import dev.gloo.store.RangeResult;
import dev.gloo.store.Store;
import dev.gloo.store.StoreException;
import dev.gloo.store.Txn;
import dev.gloo.store.TxnResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ThreeNodeClusterTest {

  @Test
  void writeOnAFollowerIsReadAtOnceOnAnotherFollower() {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      RaftStoreNode leader = c.leader();
      List<RaftStoreNode> followers = c.nodes().stream().filter(n -> n != leader).toList();
      for (int i = 0; i < 50; i++) {
        String key = "/ryw/" + i;
        byte[] value = ("v" + i).getBytes(UTF_8);
        TxnResult r = followers.get(i % 2).txn(Txn.put(key, value));
        assertTrue(r.succeeded());
        // Linearizable read on the other follower, with no wait in between.
        KeyValue read = followers.get((i + 1) % 2).get(key).orElseThrow(
            () -> new AssertionError(key + " missing right after its write was acknowledged"));
        assertArrayEquals(value, read.value());
        assertEquals(r.revision(), read.modRevision());
      }
      // Every node applied the same revisions in the same order.
      long revision = leader.revision();
      for (RaftStoreNode n : c.nodes()) {
        awaitLocalRevision(n, revision);
        assertEquals(leader.local().range("/ryw/", 0, Optional.empty()).items(),
            n.local().range("/ryw/", 0, Optional.empty()).items(), n.nodeId());
      }
    }
  }

  @Test
  void aRangeLargerThanAnyRaftMessageIsReadLinearizablyOnAFollower() {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      RaftStoreNode leader = c.leader();
      RaftStoreNode follower = c.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
      byte[] value = new byte[Store.MAX_VALUE_BYTES - 64]; // two per transaction, keys included
      long last = 0;
      for (int i = 0; i < 12; i++) { // 24 values of 1.5 MiB: 36 MiB, over the 32 MiB message bound
        value[0] = (byte) i;
        last = leader.txn(new Txn(List.of(), List.of(
            new Txn.Put("/big/" + (2 * i), value), new Txn.Put("/big/" + (2 * i + 1), value)))).revision();
      }
      RangeResult all = follower.range("/big/", 0, Optional.empty());
      assertEquals(24, all.items().size());
      assertTrue(all.revision() >= last, "the read saw every acknowledged write: " + all.revision() + " < " + last);
      for (KeyValue kv : all.items()) {
        assertEquals(Integer.parseInt(kv.key().substring("/big/".length())) / 2, kv.value()[0], kv.key());
      }
    }
  }

  @Test
  void aFollowerWaitsUntilItHasAppliedARevisionWrittenElsewhere() throws Exception {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      RaftStoreNode leader = c.leader();
      RaftStoreNode follower = c.follower();
      long now = follower.local().revision();
      long start = System.nanoTime();
      assertFalse(follower.local().awaitRevision(now + 1_000_000, Duration.ofMillis(200)),
          "a revision nobody wrote is never applied");
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "it waited the whole bound");
      for (int i = 0; i < 20; i++) {
        long written = leader.txn(Txn.put("/await/" + i, new byte[16])).revision();
        long waitStart = System.nanoTime();
        assertTrue(follower.local().awaitRevision(written, Duration.ofSeconds(20)), "write " + i);
        // Woken by the apply, not by the end of the bound.
        assertTrue(System.nanoTime() - waitStart < TimeUnit.SECONDS.toNanos(10), "write " + i + " woke its waiter");
        assertTrue(follower.local().revision() >= written);
        assertTrue(follower.local().get("/await/" + i).isPresent(), "applied, so readable locally");
      }
      assertTrue(follower.local().awaitRevision(1, Duration.ZERO), "an old revision needs no wait");
    }
  }

  @Test
  void compareAndSwapAllowsExactlyOneWinnerPerRevision() throws Exception {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      c.leader().txn(Txn.put("/counter", "0".getBytes(UTF_8)));
      int workers = 6;
      int incrementsEach = 15;
      ExecutorService pool = Executors.newFixedThreadPool(workers);
      AtomicInteger conflicts = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        RaftStoreNode node = c.nodes().get(w % 3);
        futures.add(pool.submit(() -> {
          for (int i = 0; i < incrementsEach; ) {
            KeyValue kv = node.get("/counter").orElseThrow();
            int n = Integer.parseInt(new String(kv.value(), UTF_8));
            TxnResult r = node.txn(Txn.compareAndSwap("/counter", kv.modRevision(),
                Integer.toString(n + 1).getBytes(UTF_8)));
            if (r.succeeded()) {
              i++;
            } else {
              conflicts.incrementAndGet();
              assertNotEquals(kv.modRevision(), r.current().orElseThrow().modRevision());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      KeyValue end = c.follower().get("/counter").orElseThrow();
      assertEquals(workers * incrementsEach, Integer.parseInt(new String(end.value(), UTF_8)),
          "a lost update means two CAS writes won from the same revision");
      assertEquals(workers * incrementsEach + 1, end.version());
      assertTrue(conflicts.get() > 0, "the workers never raced; the test proved nothing");
    }
  }

  @Test
  void writesContinueAfterTheLeaderIsKilledAndNoAcknowledgedWriteIsLost() throws Exception {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      RaftStoreNode oldLeader = c.leader();
      String oldLeaderId = oldLeader.nodeId();
      List<RaftStoreNode> followers = c.nodes().stream().filter(n -> n != oldLeader).toList();
      Map<String, Long> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger failures = new AtomicInteger();
      CountDownLatch someWritten = new CountDownLatch(50);
      Thread writer = new Thread(() -> {
        for (int i = 0; !stop.get(); i++) {
          String key = "/kill/" + i;
          try {
            TxnResult r = followers.get(i % 2).txn(Txn.create(key, new byte[64]));
            if (r.succeeded()) {
              acknowledged.put(key, r.revision());
              someWritten.countDown();
            }
          } catch (StoreException e) {
            failures.incrementAndGet(); // outcome unknown; it may or may not be applied
          }
        }
      });
      writer.start();
      try {
        assertTrue(someWritten.await(60, TimeUnit.SECONDS));
        int beforeKill = acknowledged.size();
        c.stop(oldLeaderId);
        RaftStoreNode newLeader = c.awaitLeader(Duration.ofSeconds(30));
        assertNotEquals(oldLeaderId, newLeader.nodeId());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < beforeKill + 100 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(acknowledged.size() >= beforeKill + 100,
            "writes did not continue under the new leader: " + acknowledged.size() + " after " + beforeKill);
      } finally {
        stop.set(true);
        writer.join(60_000);
      }
      // The old leader comes back as a follower and has every acknowledged write too.
      RaftStoreNode back = c.start(oldLeaderId);
      back.awaitReady(Duration.ofSeconds(60));
      for (RaftStoreNode n : c.nodes()) {
        for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
          KeyValue kv = n.get(e.getKey()).orElseThrow(
              () -> new AssertionError(n.nodeId() + " lost acknowledged write " + e.getKey()));
          assertEquals(e.getValue(), kv.createRevision());
        }
      }
    }
  }

  @Test
  void aFollowerDownForThousandsOfWritesCatchesUpThroughASnapshot() {
    NodeConfig.Tuning tuning = TestCluster.FAST.withSnapshotEveryEntries(400).withLogSegmentBytes(64 * 1024);
    try (TestCluster c = TestCluster.started(3, tuning)) {
      String downId = c.follower().nodeId();
      c.stop(downId);
      RaftStoreNode leader = c.leader();
      List<java.util.concurrent.CompletableFuture<TxnResult>> pending = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        pending.add(leader.txnAsync(Txn.put("/bulk/" + (i % 700), ("value-" + i).getBytes(UTF_8))));
        if (pending.size() == 64) {
          pending.forEach(java.util.concurrent.CompletableFuture::join);
          pending.clear();
        }
      }
      pending.forEach(java.util.concurrent.CompletableFuture::join);
      long revision = leader.revision();

      RaftStoreNode back = c.start(downId);
      back.awaitReady(Duration.ofSeconds(60));
      awaitLocalRevision(back, revision);
      assertTrue(back.status().snapshotsInstalled() >= 1,
          "the log was purged past the follower's index, so only a snapshot can catch it up");
      assertEquals(leader.local().range("/bulk/", 0, Optional.empty()).items(),
          back.local().range("/bulk/", 0, Optional.empty()).items());
      // And it serves writes and reads like any member afterwards.
      TxnResult r = back.txn(Txn.put("/after", new byte[] {7}));
      assertTrue(r.succeeded());
      assertEquals(r.revision(), leader.get("/after").orElseThrow().modRevision());
    }
  }

  @Test
  void restartingEveryNodeKeepsEveryAcknowledgedWrite() {
    NodeConfig.Tuning tuning = TestCluster.FAST.withSnapshotEveryEntries(300);
    try (TestCluster c = TestCluster.started(3, tuning)) {
      Map<String, TxnResult> acked = new java.util.HashMap<>();
      for (int i = 0; i < 500; i++) {
        String key = "/restart/" + i;
        acked.put(key, c.nodes().get(i % 3).txn(Txn.create(key, ("v" + i).getBytes(UTF_8))));
      }
      long revision = c.leader().revision();
      for (String id : List.of("n1", "n2", "n3")) {
        c.stop(id);
      }
      for (String id : List.of("n1", "n2", "n3")) {
        c.start(id);
      }
      c.awaitLeader(Duration.ofSeconds(30));
      for (RaftStoreNode n : c.nodes()) {
        n.awaitReady(Duration.ofSeconds(30));
        assertTrue(n.revision() >= revision, "the revision went backwards on " + n.nodeId());
        assertEquals(500, n.range("/restart/", 0, Optional.empty()).items().size());
        for (Map.Entry<String, TxnResult> e : acked.entrySet()) {
          KeyValue kv = n.get(e.getKey()).orElseThrow();
          assertEquals(e.getValue().revision(), kv.modRevision());
        }
      }
      // New writes get revisions above every earlier one.
      TxnResult next = c.leader().txn(Txn.put("/restart/next", new byte[0]));
      assertTrue(next.revision() > revision);
      assertFalse(c.leader().txn(Txn.create("/restart/1", new byte[0])).succeeded());
    }
  }

  static void awaitLocalRevision(RaftStoreNode n, long revision) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (n.local().revision() < revision) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(n.nodeId() + " stuck at revision " + n.local().revision()
            + ", expected " + revision);
      }
      TestCluster.sleep(20);
    }
  }
}
