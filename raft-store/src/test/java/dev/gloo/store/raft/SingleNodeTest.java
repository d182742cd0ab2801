package dev.gloo.store.raft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.store.KeyValue;
import dev.gloo.store.TooLargeException;
import dev.gloo.store.Txn;
import dev.gloo.store.TxnResult;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SingleNodeTest {
  private TestCluster cluster;

  @BeforeEach
  void start() {
    cluster = TestCluster.started(1, TestCluster.FAST);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void createThenCasThenGuardedDelete() {
    RaftStoreNode n = cluster.node("n1");
    TxnResult created = n.txn(Txn.create("/a", "v1".getBytes(UTF_8)));
    assertTrue(created.succeeded());
    long rev1 = created.revision();
    KeyValue kv = n.get("/a").orElseThrow();
    assertEquals(rev1, kv.createRevision());
    assertEquals(rev1, kv.modRevision());
    assertEquals(1, kv.version());

    TxnResult again = n.txn(Txn.create("/a", "other".getBytes(UTF_8)));
    assertFalse(again.succeeded(), "create of an existing key must fail");
    assertEquals("v1", new String(again.current().orElseThrow().value(), UTF_8));

    TxnResult stale = n.txn(Txn.compareAndSwap("/a", rev1 - 1, "x".getBytes(UTF_8)));
    assertFalse(stale.succeeded());

    TxnResult swapped = n.txn(Txn.compareAndSwap("/a", rev1, "v2".getBytes(UTF_8)));
    assertTrue(swapped.succeeded());
    assertTrue(swapped.revision() > rev1);
    KeyValue after = n.get("/a").orElseThrow();
    assertEquals(2, after.version());
    assertEquals(rev1, after.createRevision());
    assertEquals(swapped.revision(), after.modRevision());

    assertFalse(n.txn(Txn.guardedDelete("/a", rev1)).succeeded());
    TxnResult deleted = n.txn(Txn.guardedDelete("/a", swapped.revision()));
    assertTrue(deleted.succeeded());
    assertEquals("v2", new String(deleted.results().get(0).before().orElseThrow().value(), UTF_8));
    assertEquals(Optional.empty(), n.get("/a"));
  }

  @Test
  void failedConditionLeavesRevisionUnchanged() {
    RaftStoreNode n = cluster.node("n1");
    long rev = n.txn(Txn.put("/k", new byte[] {1})).revision();
    TxnResult failed = n.txn(Txn.create("/k", new byte[] {2}));
    assertFalse(failed.succeeded());
    assertEquals(rev, failed.revision());
    assertEquals(rev, n.revision());
  }

  @Test
  void oversizedValuesAndTransactionsAreRefusedBeforeTheLog() {
    RaftStoreNode n = cluster.node("n1");
    long before = n.revision();
    byte[] big = new byte[1536 * 1024 + 1];
    TooLargeException e = assertThrows(TooLargeException.class, () -> n.txn(Txn.put("/big", big)));
    assertEquals("ops[0].value", e.field());

    byte[] justUnder = new byte[1536 * 1024];
    Txn tooBigTxn = Txn.builder().put("/x1", justUnder).put("/x2", justUnder).put("/x3", new byte[10]).build();
    TooLargeException t = assertThrows(TooLargeException.class, () -> n.txn(tooBigTxn));
    assertEquals("txn", t.field());
    assertEquals(before, n.revision(), "nothing may reach the log");

    // The largest accepted value goes through the whole path.
    assertTrue(n.txn(Txn.put("/max", justUnder)).succeeded());
    assertEquals(justUnder.length, n.get("/max").orElseThrow().value().length);
  }

  @Test
  void rangePagesThroughAPrefixInKeyOrder() {
    RaftStoreNode n = cluster.node("n1");
    for (int i = 0; i < 25; i++) {
      n.txn(Txn.put(String.format("/r/%02d", i), new byte[] {(byte) i}));
    }
    n.txn(Txn.put("/s/outside", new byte[0]));
    var page1 = n.range("/r/", 10, Optional.empty());
    assertEquals(10, page1.items().size());
    assertEquals("/r/00", page1.items().get(0).key());
    assertEquals(Optional.of("/r/09"), page1.continueAfter());
    var page2 = n.range("/r/", 10, page1.continueAfter());
    assertEquals("/r/10", page2.items().get(0).key());
    var page3 = n.range("/r/", 10, page2.continueAfter());
    assertEquals(5, page3.items().size());
    assertEquals(Optional.empty(), page3.continueAfter());
    assertEquals(25, n.range("/r/", 0, Optional.empty()).items().size());
  }
}
