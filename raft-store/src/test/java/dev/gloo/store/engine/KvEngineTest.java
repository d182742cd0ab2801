package dev.gloo.store.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.store.DataDirException;
import dev.gloo.store.KeyValue;
import dev.gloo.store.RangeResult;
import dev.gloo.store.RevisionNotHeldException;
import dev.gloo.store.Txn;
import dev.gloo.store.WatchEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvEngineTest {
  @TempDir Path tmp;
  private final AtomicLong clock = new AtomicLong(1_000_000);

  private KvEngine open() {
    return KvEngine.open(tmp.resolve("db"), clock::get);
  }

  @Test
  void revisionIsTheIndexOfTheLastEntryThatChangedSomething() {
    try (KvEngine e = open()) {
      assertTrue(e.apply(Txn.put("/a", bytes("1")), 5).result().succeeded());
      assertEquals(5, e.revision());
      // A failed condition and a delete of a missing key change nothing: same revision.
      assertFalse(e.apply(Txn.create("/a", bytes("2")), 6).result().succeeded());
      assertTrue(e.apply(Txn.builder().delete("/missing").build(), 7).result().succeeded());
      assertEquals(5, e.revision());
      assertEquals(7, e.appliedIndex());
      assertTrue(e.apply(Txn.put("/a", bytes("3")), 9).result().succeeded());
      KeyValue a = e.get("/a").orElseThrow();
      assertEquals(new KeyValue("/a", bytes("3"), 5, 9, 2), a);
    }
  }

  @Test
  void anEntryIsNeverAppliedTwice() {
    try (KvEngine e = open()) {
      e.apply(Txn.put("/a", bytes("1")), 3);
      assertThrows(IllegalStateException.class, () -> e.apply(Txn.put("/a", bytes("1")), 3));
      assertEquals(1, e.get("/a").orElseThrow().version());
    }
  }

  @Test
  void aTransactionIsAllOrNothingAndLaterOpsSeeEarlierOnes() {
    try (KvEngine e = open()) {
      e.apply(Txn.put("/b", bytes("b")), 1);
      Txn txn = Txn.builder().ifPresent("/b").put("/a", bytes("1")).put("/a", bytes("2")).delete("/b").build();
      KvEngine.Applied applied = e.apply(txn, 2);
      assertTrue(applied.result().succeeded());
      assertEquals(2, e.get("/a").orElseThrow().version(), "the second put saw the first");
      assertEquals(Optional.empty(), e.get("/b"));
      assertEquals(List.of(WatchEvent.Type.PUT, WatchEvent.Type.PUT, WatchEvent.Type.DELETE),
          applied.events().stream().map(WatchEvent::type).toList());

      Txn guarded = Txn.builder().ifAbsent("/a").put("/c", bytes("c")).build();
      assertFalse(e.apply(guarded, 3).result().succeeded());
      assertEquals(Optional.empty(), e.get("/c"));
      assertEquals(0, e.apply(guarded, 4).result().failedCondition());
    }
  }

  @Test
  void stateAndRevisionsSurviveReopen() {
    try (KvEngine e = open()) {
      e.apply(Txn.put("/a", bytes("1")), 1);
      e.apply(Txn.put("/b", bytes("2")), 2);
      e.apply(Txn.create("/a", bytes("x")), 3);
    }
    try (KvEngine e = open()) {
      assertEquals(3, e.appliedIndex());
      assertEquals(2, e.revision());
      assertEquals(2, e.range("/", 0, Optional.empty()).items().size());
    }
  }

  @Test
  void rangeStartsAfterTheGivenKeyAndStaysInsideThePrefix() {
    try (KvEngine e = open()) {
      long i = 1;
      for (String k : List.of("/p", "/p/a", "/p/b", "/p/c", "/pz", "/q")) {
        e.apply(Txn.put(k, bytes(k)), i++);
      }
      assertEquals(List.of("/p/a", "/p/b", "/p/c"), keys(e.range("/p/", 0, Optional.empty()).items()));
      assertEquals(List.of("/p/b", "/p/c"), keys(e.range("/p/", 0, Optional.of("/p/a")).items()));
      assertEquals(List.of("/p/a", "/p/b", "/p/c"), keys(e.range("/p/", 0, Optional.of("/a")).items()));
      assertEquals(List.of(), keys(e.range("/p/", 0, Optional.of("/p/c")).items()));
      assertEquals(6, e.range("", 0, Optional.empty()).items().size());
    }
  }

  @Test
  void historyHeldInMemoryReadsTheSameAsHistoryReadFromDisk() {
    // More revisions than are held in memory, with gaps (failed conditions, deletes of missing
    // keys), deletes and two prefixes. A reopened engine holds nothing in memory and reads every
    // page from disk.
    int entries = 5_000;
    long[] starts = {0, 1, 450, 903, 2_500, 4_000, 4_650, 4_999, 5_000};
    List<KvEngine.HistoryPage> pages = new java.util.ArrayList<>();
    try (KvEngine e = open()) {
      for (long i = 1; i <= entries; i++) {
        Txn txn = switch ((int) (i % 5)) {
          case 0 -> Txn.create("/a/" + (i % 40), bytes("again"));
          case 1 -> Txn.builder().delete("/a/" + (i % 40)).build();
          case 2 -> Txn.put("/b/" + i, bytes("b" + i));
          default -> Txn.put("/a/" + (i % 40), bytes("a" + i));
        };
        e.apply(txn, i);
      }
      for (long start : starts) {
        for (String prefix : List.of("/a/", "")) {
          pages.add(e.history(prefix, start, 7));
          pages.add(e.history(prefix, start, 100_000));
        }
      }
    }
    try (KvEngine e = open()) {
      int i = 0;
      for (long start : starts) {
        for (String prefix : List.of("/a/", "")) {
          assertEquals(pages.get(i++), e.history(prefix, start, 7), "after " + start + " prefix '" + prefix + "'");
          assertEquals(pages.get(i++), e.history(prefix, start, 100_000), "after " + start + " prefix '" + prefix + "'");
        }
      }
    }
  }

  @Test
  void recentHistoryAnswersOnlyForRevisionsItHoldsAll() {
    RecentHistory recent = new RecentHistory(3);
    recent.reset(10);
    assertEquals(null, recent.read("", 9, 100), "revision 10 was before the records held");
    assertEquals(new KvEngine.HistoryPage(List.of(), 10, false), recent.read("", 10, 100));
    for (long rev : new long[] {12, 13, 15, 18}) {
      recent.add(rev, List.of(new WatchEvent(WatchEvent.Type.PUT, new KeyValue("/k", bytes("v"), rev, rev, 1), rev)));
    }
    // 12 was dropped to keep three records: after 12 (or later) is still whole, before it is not.
    assertEquals(null, recent.read("", 11, 100));
    KvEngine.HistoryPage page = recent.read("", 12, 100);
    assertEquals(List.of(13L, 15L, 18L), page.events().stream().map(WatchEvent::revision).toList());
    assertEquals(18, page.scannedTo());
    assertEquals(15, recent.read("", 12, 2).scannedTo(), "whole revisions until maxEvents");
    assertEquals(List.of(), recent.read("/other/", 12, 100).events());
  }

  @Test
  void historyIsCompactedByCountAndByAgeButTheNewestRevisionStays() {
    try (KvEngine e = open()) {
      for (long i = 1; i <= 20; i++) {
        e.apply(Txn.put("/h/" + i, bytes("v")), i);
      }
      assertEquals(20, e.history("/h/", 0, 1000).events().size());
      assertEquals(10, e.compactHistory(10, Long.MAX_VALUE));
      assertTrue(e.history("/h/", 5, 1000).compacted());
      KvEngine.HistoryPage page = e.history("/h/", 10, 1000);
      assertFalse(page.compacted());
      assertEquals(10, page.events().size());
      assertEquals(11, page.events().get(0).revision());

      clock.addAndGet(60_000);
      e.apply(Txn.put("/h/new", bytes("v")), 21);
      assertEquals(20, e.compactHistory(1000, 30_000), "everything older than 30 s goes");
      assertEquals(1, e.history("/h/", 20, 1000).events().size());
      clock.addAndGet(60_000);
      assertEquals(20, e.compactHistory(1000, 30_000), "the newest revision is always kept");
    }
  }

  @Test
  void restoreReplacesTheWholeStateWithACheckpoint() {
    Path cp = tmp.resolve("cp");
    try (KvEngine e = open()) {
      e.apply(Txn.put("/a", bytes("1")), 1);
      e.apply(Txn.put("/b", bytes("1")), 2);
      e.checkpoint(cp);
      e.apply(Txn.put("/a", bytes("2")), 3);
      e.apply(Txn.put("/c", bytes("1")), 4);
      e.restoreFrom(cp);
      assertEquals(2, e.appliedIndex());
      assertEquals(2, e.revision());
      assertEquals("1", new String(e.get("/a").orElseThrow().value(), UTF_8));
      assertEquals(Optional.empty(), e.get("/c"));
      // And it goes on applying from there.
      e.apply(Txn.put("/c", bytes("2")), 3);
      assertEquals(3, e.revision());
    }
  }

  @Test
  void aCorruptDatabaseIsRefusedWithAClearMessage() throws Exception {
    try (KvEngine e = open()) {
      e.apply(Txn.put("/a", bytes("1")), 1);
    }
    Files.writeString(tmp.resolve("db").resolve("CURRENT"), "MANIFEST-999999\n");
    DataDirException ex = assertThrows(DataDirException.class, this::open);
    assertTrue(ex.getMessage().contains("corrupt"), ex.getMessage());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static List<String> keys(List<KeyValue> kvs) {
    return kvs.stream().map(KeyValue::key).toList();
  }

  @Test
  void laterPagesOfAPagedRangeReadTheFirstPagesRevisionWhateverIsWrittenMeanwhile() {
    try (KvEngine e = open()) {
      for (int i = 0; i < 5; i++) {
        e.apply(Txn.put("/p/k" + i, bytes("v" + i)), i + 1);
      }
      e.apply(Txn.put("/q", bytes("other")), 6);
      RangeResult first = e.range("/p/", 2, Optional.empty());
      assertEquals(List.of("/p/k0", "/p/k1"), keys(first));
      assertEquals(6, first.revision());
      assertEquals(1, e.heldSnapshots(), "a page of a limited range keeps its snapshot");
      // Meanwhile: a new key among the later ones, one changed, one deleted.
      e.apply(Txn.put("/p/k2a", bytes("new")), 7);
      e.apply(Txn.put("/p/k3", bytes("changed")), 8);
      e.apply(Txn.builder().delete("/p/k4").build(), 9);
      RangeResult second = e.rangeAt(6, "/p/", 2, first.continueAfter());
      RangeResult third = e.rangeAt(6, "/p/", 2, second.continueAfter());
      assertEquals(List.of("/p/k2", "/p/k3"), keys(second));
      assertEquals("v3", new String(second.items().get(1).value(), UTF_8));
      assertEquals(List.of("/p/k4"), keys(third));
      assertEquals(6, third.revision());
      assertEquals(List.of("/p/k0", "/p/k1", "/p/k2", "/p/k2a", "/p/k3"), keys(e.range("/p/", 0, Optional.empty())));
      assertEquals(1, e.heldSnapshots(), "later pages reuse the snapshot of the first");
    }
  }

  @Test
  void aRevisionThatIsNeitherHeldNorCurrentIsRefusedAndHeldSnapshotsExpire() {
    try (KvEngine e = open()) {
      e.apply(Txn.put("/p/a", bytes("1")), 1);
      e.apply(Txn.put("/p/b", bytes("2")), 2);
      assertEquals(List.of("/p/b"), keys(e.rangeAt(2, "/p/", 0, Optional.of("/p/a"))),
          "the current revision needs no held snapshot");
      assertEquals(0, e.heldSnapshots(), "a range without a limit holds nothing");
      RangeResult first = e.range("/p/", 1, Optional.empty());
      e.apply(Txn.put("/p/c", bytes("3")), 3);
      assertThrows(RevisionNotHeldException.class, () -> e.rangeAt(1, "/p/", 1, Optional.empty()));
      clock.addAndGet(KvEngine.HELD_IDLE_MILLIS - 1);
      assertEquals(List.of("/p/b"), keys(e.rangeAt(2, "/p/", 1, first.continueAfter())), "each use renews the hold");
      clock.addAndGet(KvEngine.HELD_IDLE_MILLIS - 1);
      assertEquals(List.of("/p/b"), keys(e.rangeAt(2, "/p/", 1, first.continueAfter())));
      clock.addAndGet(KvEngine.HELD_IDLE_MILLIS);
      RevisionNotHeldException gone = assertThrows(RevisionNotHeldException.class,
          () -> e.rangeAt(2, "/p/", 1, first.continueAfter()));
      assertEquals(2, gone.requested());
      assertEquals(0, e.heldSnapshots());
    }
  }

  @Test
  void heldSnapshotsAreBoundedInNumberAndDroppedWhenTheDatabaseIsReplaced() {
    try (KvEngine e = open()) {
      e.apply(Txn.put("/p/a", bytes("1")), 1);
      for (int i = 0; i < KvEngine.MAX_HELD + 4; i++) {
        e.apply(Txn.put("/p/b", bytes("v" + i)), i + 2);
        e.range("/p/", 1, Optional.empty());
      }
      assertEquals(KvEngine.MAX_HELD, e.heldSnapshots());
      assertThrows(RevisionNotHeldException.class, () -> e.rangeAt(2, "/p/", 1, Optional.of("/p/a")),
          "the least recently used goes first");
      assertEquals("v4", new String(e.rangeAt(6, "/p/", 1, Optional.of("/p/a")).items().get(0).value(), UTF_8),
          "the fifth is held still, at its own revision");
      Path cp = tmp.resolve("cp");
      e.checkpoint(cp);
      e.restoreFrom(cp);
      assertEquals(0, e.heldSnapshots());
    }
  }

  private static List<String> keys(RangeResult r) {
    return r.items().stream().map(KeyValue::key).toList();
  }
}
