package dev.gloo.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.store.KeyValue;
import dev.gloo.store.StoreException;
import dev.gloo.store.Txn;
import dev.gloo.store.TxnResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MembershipTest {

  @Test
  void growsFromThreeToFiveAndBackToThreeWhileWritesRun() throws Exception {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST.withSnapshotEveryEntries(500))) {
      Map<String, Long> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        for (int i = 0; !stop.get(); i++) {
          String key = "/m/" + i;
          try {
            TxnResult r = c.node("n1").txn(Txn.create(key, new byte[128]));
            if (r.succeeded()) {
              acknowledged.put(key, r.revision());
            }
          } catch (StoreException | IllegalStateException e) {
            TestCluster.sleep(20); // unknown outcome, or the node is being replaced: go on
          }
        }
      });
      writer.start();
      try {
        awaitWrites(acknowledged, 200);

        // Grow: n4 and n5 start empty, enter as learners, catch up, then become voters.
        for (String id : List.of("n4", "n5")) {
          RaftStoreNode joiner = c.startJoiner(id);
          c.leader().addLearner(id, c.address(id));
          awaitMember(c, id, false);
          long target = c.leader().revision();
          ThreeNodeClusterTest.awaitLocalRevision(joiner, target);
          c.leader().promote(id);
          awaitMember(c, id, true);
          // A promoted learner serves linearizable reads (its Raft server left STARTING).
          joiner.awaitReady(Duration.ofSeconds(30));
        }
        assertEquals(Map.of("n1", true, "n2", true, "n3", true, "n4", true, "n5", true), members(c));
        int atFive = acknowledged.size();
        awaitWrites(acknowledged, atFive + 200);

        // Shrink: remove two of the original voters, one of them the leader if it is one.
        RaftStoreNode leader = c.leader();
        List<String> toRemove = leader.nodeId().equals("n1") ? List.of("n2", "n3")
            : List.of(leader.nodeId(), List.of("n2", "n3").stream()
                .filter(id -> !id.equals(leader.nodeId())).findFirst().orElseThrow());
        for (String id : toRemove) {
          c.node("n1").removeMember(id);
          c.stop(id);
        }
        awaitMembers(c, 3);
        int atThree = acknowledged.size();
        awaitWrites(acknowledged, atThree + 200);
      } finally {
        stop.set(true);
        writer.join(60_000);
      }

      long revision = c.node("n1").revision();
      for (RaftStoreNode n : c.nodes()) {
        ThreeNodeClusterTest.awaitLocalRevision(n, revision);
        for (Map.Entry<String, Long> e : acknowledged.entrySet()) {
          Optional<KeyValue> kv = n.local().get(e.getKey());
          assertTrue(kv.isPresent(), n.nodeId() + " lacks acknowledged " + e.getKey());
          assertEquals(e.getValue(), kv.get().createRevision());
        }
      }
      assertFalse(acknowledged.isEmpty());
    }
  }

  @Test
  void aNodeThatJoinedServesLinearizableReadsAndWrites() {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      long written = c.leader().txn(Txn.put("/j/before", new byte[] {1})).revision();
      RaftStoreNode joiner = c.startJoiner("n4");
      c.leader().addLearner("n4", c.address("n4"));
      awaitMember(c, "n4", false);
      ThreeNodeClusterTest.awaitLocalRevision(joiner, written);
      c.leader().promote("n4");
      awaitMember(c, "n4", true);

      assertEquals(written, joiner.get("/j/before").orElseThrow().modRevision());
      TxnResult after = joiner.txn(Txn.put("/j/after", new byte[] {2}));
      assertTrue(after.revision() > written);
      assertEquals(after.revision(), c.node("n1").get("/j/after").orElseThrow().modRevision());
    }
  }

  @Test
  void aMemberThatLeftComesBackWithAnEmptyDiskUnderTheSameIdAndKeepsUpWithWrites() throws Exception {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      String id = c.follower().nodeId();
      String writerNode = c.nodes().stream().map(RaftStoreNode::nodeId).filter(n -> !n.equals(id)).findFirst()
          .orElseThrow();
      Map<String, Long> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        for (int i = 0; !stop.get(); i++) {
          try {
            TxnResult r = c.node(writerNode).txn(Txn.create("/r/" + i, new byte[128]));
            acknowledged.put("/r/" + i, r.revision());
          } catch (StoreException | IllegalStateException e) {
            TestCluster.sleep(20);
          }
        }
      });
      writer.start();
      try {
        awaitWrites(acknowledged, 100);
        c.leader().removeMember(id);
        c.stop(id);
        c.wipe(id);
        awaitWrites(acknowledged, acknowledged.size() + 100);

        RaftStoreNode back = c.startJoiner(id);
        c.leader().addLearner(id, c.address(id));
        awaitMember(c, id, false);
        ThreeNodeClusterTest.awaitLocalRevision(back, c.leader().revision());
        c.leader().promote(id);
        awaitMember(c, id, true);
        awaitWrites(acknowledged, acknowledged.size() + 300);

        long revision = c.node(writerNode).revision();
        ThreeNodeClusterTest.awaitLocalRevision(back, revision);
        assertTrue(back.revision() >= revision);
      } finally {
        stop.set(true);
        writer.join(60_000);
      }
    }
  }

  @Test
  void leadershipMovesToTheNamedNodeAndWritesGoOn() {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      RaftStoreNode leader = c.leader();
      String target = c.follower().nodeId();
      long before = leader.txn(Txn.put("/t/before", new byte[] {1})).revision();
      leader.transferLeadership(target, Duration.ofSeconds(20));
      assertEquals(target, c.awaitLeader(Duration.ofSeconds(20)).nodeId());
      // The former leader forwards writes to the new one; revisions keep growing.
      TxnResult after = leader.txn(Txn.put("/t/after", new byte[] {2}));
      assertTrue(after.revision() > before);
      assertEquals(after.revision(), c.node(target).get("/t/after").orElseThrow().modRevision());
    }
  }

  @Test
  void removingAnUnknownMemberChangesNothingAndPromotingAVoterIsANoOp() {
    try (TestCluster c = TestCluster.started(3, TestCluster.FAST)) {
      c.leader().removeMember("nobody");
      c.leader().promote("n2");
      assertEquals(Map.of("n1", true, "n2", true, "n3", true), members(c));
      assertEquals("member: nobody is not a learner of the cluster",
          org.junit.jupiter.api.Assertions.assertThrows(dev.gloo.store.InvalidRequestException.class,
              () -> c.leader().promote("nobody")).getMessage());
    }
  }

  private static Map<String, Boolean> members(TestCluster c) {
    return c.leader().status().members().stream()
        .collect(Collectors.toMap(NodeStatus.Member::id, NodeStatus.Member::voter));
  }

  private static void awaitMembers(TestCluster c, int voters) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        if (members(c).size() == voters) {
          return;
        }
      } catch (StoreException e) {
        // no leader at this instant
      }
      TestCluster.sleep(100);
    }
    throw new AssertionError("membership never settled at " + voters + ": " + members(c));
  }

  private static void awaitWrites(Map<String, Long> acknowledged, int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acknowledged.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("writes stalled at " + acknowledged.size() + " of " + count);
      }
      TestCluster.sleep(20);
    }
  }

  /** Waits until the leader lists {@code id} as a voter or as a learner. */
  private static void awaitMember(TestCluster c, String id, boolean voter) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Boolean.valueOf(voter).equals(members(c).get(id))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(id + " never became " + (voter ? "a voter" : "a learner") + ": " + members(c));
      }
      TestCluster.sleep(50);
    }
  }
}
