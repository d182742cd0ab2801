package dev.gloo.store.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.rocksdb.Snapshot;

/**
 * RocksDB snapshots kept for the later pages of a paged range, so that every page of one list
 * reads the same revision (as kube-apiserver's continue tokens do over etcd). A snapshot stays
 * held until it has gone unused for {@code idleMillis}, and at most {@code max} are held (the
 * least recently used goes first): a held snapshot keeps RocksDB from dropping the data it
 * sees, so holding is bounded both in time and in number. A snapshot being read is released
 * only when its last reader is done.
 */
final class HeldSnapshots {
  private final LongSupplier clock;
  private final long idleMillis;
  private final int max;
  private final Consumer<Snapshot> release;
  /** By revision, least recently used first. */
  private final LinkedHashMap<Long, Held> byRevision = new LinkedHashMap<>(16, 0.75f, true);

  private static final class Held {
    final Snapshot snapshot;
    long lastUse;
    int readers;
    boolean dropped;

    Held(Snapshot snapshot, long lastUse) {
      this.snapshot = snapshot;
      this.lastUse = lastUse;
    }
  }

  /** A held snapshot lent to one reader; closing it returns it. */
  final class Lease implements AutoCloseable {
    private final Held held;

    private Lease(Held held) {
      this.held = held;
    }

    Snapshot snapshot() {
      return held.snapshot;
    }

    @Override
    public void close() {
      synchronized (HeldSnapshots.this) {
        held.readers--;
        if (held.dropped && held.readers == 0) {
          release.accept(held.snapshot);
        }
      }
    }
  }

  /** @param release frees a snapshot in the database that gave it */
  HeldSnapshots(LongSupplier clock, long idleMillis, int max, Consumer<Snapshot> release) {
    this.clock = clock;
    this.idleMillis = idleMillis;
    this.max = max;
    this.release = release;
  }

  /** The snapshot held for {@code revision}, lent until the lease is closed; null if none. */
  synchronized Lease acquire(long revision) {
    prune();
    Held h = byRevision.get(revision);
    if (h == null) {
      return null;
    }
    h.lastUse = clock.getAsLong();
    h.readers++;
    return new Lease(h);
  }

  /**
   * Keeps {@code snapshot}, taken at {@code revision}, for later pages. False when one is held
   * for that revision already: the caller then releases its own.
   */
  synchronized boolean hold(long revision, Snapshot snapshot) {
    Held h = byRevision.get(revision);
    if (h != null) {
      h.lastUse = clock.getAsLong();
      return false;
    }
    byRevision.put(revision, new Held(snapshot, clock.getAsLong()));
    prune();
    return true;
  }

  /** How many snapshots are held now. */
  synchronized int size() {
    return byRevision.size();
  }

  /** Releases every snapshot; only when no reader holds a lease (the database is closing). */
  synchronized void releaseAll() {
    byRevision.values().forEach(h -> release.accept(h.snapshot));
    byRevision.clear();
  }

  private void prune() {
    long now = clock.getAsLong();
    Iterator<Map.Entry<Long, Held>> it = byRevision.entrySet().iterator();
    while (it.hasNext()) {
      Held h = it.next().getValue();
      if (byRevision.size() <= max && now - h.lastUse < idleMillis) {
        continue;
      }
      it.remove();
      h.dropped = true;
      if (h.readers == 0) {
        release.accept(h.snapshot);
      }
    }
  }
}
