package dev.gloo.store.engine;

import dev.gloo.store.WatchEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The newest history records, held in memory as well as on disk, so that a watcher that keeps
 * up with the head (the usual case) is served without reading its events back from RocksDB.
 * It holds every revision above its floor; a reader that needs older ones goes to disk.
 *
 * <p>Threading: {@link #add} and {@link #reset} are called by the apply thread (or with applies
 * stopped); {@link #read} by any thread.
 */
final class RecentHistory {
  private final int capacity;
  private final ConcurrentSkipListMap<Long, List<WatchEvent>> records = new ConcurrentSkipListMap<>();
  private volatile long floor;
  private int size;

  RecentHistory(int capacity) {
    this.capacity = capacity;
  }

  /** Forgets everything: the records up to {@code newFloor} are on disk only. */
  void reset(long newFloor) {
    records.clear();
    size = 0;
    floor = newFloor;
  }

  /** The events of revision {@code revision}, which is newer than every revision held. */
  void add(long revision, List<WatchEvent> events) {
    records.put(revision, events);
    if (++size > capacity) {
      long oldest = records.firstKey();
      // Raise the floor before the record goes, so that no reader trusts a page with a gap.
      floor = oldest;
      records.remove(oldest);
      size--;
    }
  }

  /**
   * What {@link KvEngine#history} would read from disk, or null when some revision after
   * {@code afterRevision} is no longer held here.
   */
  KvEngine.HistoryPage read(String prefix, long afterRevision, int maxEvents) {
    if (afterRevision < floor) {
      return null;
    }
    KvEngine.PageBuilder page = new KvEngine.PageBuilder(prefix, afterRevision, maxEvents);
    for (Map.Entry<Long, List<WatchEvent>> r : records.tailMap(afterRevision, false).entrySet()) {
      if (!page.take(r.getKey(), r.getValue())) {
        break;
      }
    }
    return afterRevision < floor ? null : page.build(false);
  }
}
