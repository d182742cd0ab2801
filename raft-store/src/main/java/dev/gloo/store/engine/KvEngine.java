package dev.gloo.store.engine;

import dev.gloo.store.DataDirException;
import dev.gloo.store.KeyValue;
import dev.gloo.store.RangeResult;
import dev.gloo.store.RevisionNotHeldException;
import dev.gloo.store.StoreException;
import dev.gloo.store.Txn;
import dev.gloo.store.TxnResult;
import dev.gloo.store.WatchEvent;
import dev.gloo.store.codec.Codec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Checkpoint;
import org.rocksdb.Filter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The applied state of the store in one RocksDB database. Layout, in one column family so
 * that every memtable flush is a consistent prefix of the applied entries:
 *
 * <pre>
 *   0x00 name            meta: applied index, store revision, compacted revision, cluster id
 *   0x01 key (UTF-8)     a key's record: create/mod revision, version, value
 *   0x02 revision (BE64) the events of that revision, for watch resume
 * </pre>
 *
 * <p>Each applied transaction is one {@link WriteBatch} that also records the applied index,
 * so a crash leaves either all of an entry or none of it, and {@link #appliedIndex()} tells
 * where replay must resume. Writes skip fsync: the Raft log is the write-ahead log and is
 * fsynced, and anything lost from here is replayed from it (see the module README).
 *
 * <p>Threading: {@link #apply} is called by one thread at a time (the Raft apply thread);
 * reads may come from any thread. {@link #restoreFrom} swaps the database under a write lock.
 */
public final class KvEngine implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private static final byte META = 0x00;
  private static final byte KEY = 0x01;
  private static final byte HISTORY = 0x02;

  private static final byte[] META_APPLIED = meta("applied");
  private static final byte[] META_REVISION = meta("revision");
  private static final byte[] META_COMPACTED = meta("compacted");
  private static final byte[] META_CLUSTER = meta("cluster");
  /** History records also held in memory, for watchers that keep up (about 2 KiB apiece). */
  private static final int RECENT_RECORDS = 4096;
  private static final long BLOCK_CACHE_BYTES = 32L << 20;
  /**
   * Snapshots held for the later pages of paged ranges: how long one stays after its last use,
   * and how many at most. Clients fetch pages back to back; a page after that gets 410 at the API
   * and the client lists again.
   */
  static final long HELD_IDLE_MILLIS = 60_000;
  static final int MAX_HELD = 16;

  private final Path dir;
  private final LongSupplier clock;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final WriteOptions writeOptions = new WriteOptions().setSync(false);
  private Options options;
  private Cache blockCache;
  private Filter bloom;
  private RocksDB db;

  // Cached copies of the meta records; written only by the apply thread (and compaction, for
  // compacted), read by anyone.
  private volatile long appliedIndex;
  private volatile long revision;
  private volatile long compacted;
  private final RecentHistory recent = new RecentHistory(RECENT_RECORDS);
  private final HeldSnapshots held;

  private KvEngine(Path dir, LongSupplier clock) {
    this.dir = dir;
    this.clock = clock;
    this.held = new HeldSnapshots(clock, HELD_IDLE_MILLIS, MAX_HELD, this::release);
  }

  /**
   * Opens (or creates, when {@code dir} does not exist) the database in {@code dir}.
   *
   * @throws DataDirException if the database exists but cannot be opened
   */
  public static KvEngine open(Path dir, LongSupplier clock) {
    KvEngine engine = new KvEngine(dir, clock);
    engine.openDb();
    return engine;
  }

  private void openDb() {
    boolean exists = Files.isDirectory(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new DataDirException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    // A Bloom filter per table file: most writes ask for keys that do not exist yet (a create's
    // name, a new revision's history), and without a filter each such lookup reads a block of
    // every level to learn so.
    blockCache = new LRUCache(BLOCK_CACHE_BYTES);
    bloom = new BloomFilter(10);
    options = new Options()
        .setCreateIfMissing(!exists || isEmptyDir(dir))
        .setParanoidChecks(true)
        .setMaxOpenFiles(512)
        .setKeepLogFileNum(3)
        .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloom).setBlockCache(blockCache));
    try {
      db = RocksDB.open(options, dir.toString());
    } catch (RocksDBException e) {
      closeDb();
      throw new DataDirException("the store database in " + dir + " cannot be opened ("
          + e.getMessage() + "); it is corrupt or incomplete. Restore the node from a snapshot,"
          + " or remove the node's data directory and rejoin it to the cluster", e);
    }
    appliedIndex = readMetaLong(META_APPLIED);
    revision = readMetaLong(META_REVISION);
    compacted = readMetaLong(META_COMPACTED);
    recent.reset(revision);
  }

  private static boolean isEmptyDir(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  public Path dir() {
    return dir;
  }

  /** The Raft index of the last transaction applied (0 if none). */
  public long appliedIndex() {
    return appliedIndex;
  }

  /** The store revision: the Raft index of the last entry that changed a key. */
  public long revision() {
    return revision;
  }

  /** History is kept for revisions greater than this one. */
  public long compactedRevision() {
    return compacted;
  }

  public Optional<String> clusterId() {
    lock.readLock().lock();
    try {
      byte[] v = db().get(META_CLUSTER);
      return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
    } catch (RocksDBException e) {
      throw failure("read cluster id", e);
    } finally {
      lock.readLock().unlock();
    }
  }

  public void setClusterId(String clusterId) {
    lock.readLock().lock();
    try (WriteOptions sync = new WriteOptions().setSync(true)) {
      db().put(sync, META_CLUSTER, clusterId.getBytes(StandardCharsets.UTF_8));
    } catch (RocksDBException e) {
      throw failure("write cluster id", e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Applies the transaction of Raft entry {@code index}: checks its conditions against the
   * current state and, if they hold, applies its operations, its history record and the new
   * applied index in one atomic batch. A transaction whose conditions fail still advances the
   * applied index but not the revision.
   */
  public Applied apply(Txn txn, long index) {
    lock.readLock().lock();
    try (WriteBatch batch = new WriteBatch()) {
      if (index <= appliedIndex) {
        throw new IllegalStateException("entry " + index + " is already applied (applied index "
            + appliedIndex + ")");
      }
      // The state each key has as the transaction proceeds: later ops see earlier ops' effects.
      Map<String, Optional<KeyValue>> state = new HashMap<>();
      for (int i = 0; i < txn.conditions().size(); i++) {
        Txn.Condition c = txn.conditions().get(i);
        Optional<KeyValue> current = current(state, c.key());
        if (!holds(c, current)) {
          batch.put(META_APPLIED, longBytes(index));
          db().write(writeOptions, batch);
          appliedIndex = index;
          return new Applied(TxnResult.failure(revision, i, current), List.of());
        }
      }
      List<TxnResult.OpResult> results = new ArrayList<>(txn.ops().size());
      List<WatchEvent> events = new ArrayList<>(txn.ops().size());
      for (Txn.Op op : txn.ops()) {
        Optional<KeyValue> before = current(state, op.key());
        if (op instanceof Txn.Put put) {
          KeyValue after = before
              .map(b -> new KeyValue(put.key(), put.value(), b.createRevision(), index, b.version() + 1))
              .orElseGet(() -> new KeyValue(put.key(), put.value(), index, index, 1));
          batch.put(key(put.key()), Codec.encodeRecord(after));
          state.put(put.key(), Optional.of(after));
          results.add(new TxnResult.OpResult(put.key(), before, Optional.of(after)));
          events.add(new WatchEvent(WatchEvent.Type.PUT, after, index));
        } else {
          if (before.isPresent()) {
            batch.delete(key(op.key()));
            events.add(new WatchEvent(WatchEvent.Type.DELETE, before.get(), index));
          }
          state.put(op.key(), Optional.empty());
          results.add(new TxnResult.OpResult(op.key(), before, Optional.empty()));
        }
      }
      long newRevision = events.isEmpty() ? revision : index;
      if (!events.isEmpty()) {
        batch.put(historyKey(index),
            Codec.encodeHistory(new Codec.HistoryRecord(clock.getAsLong(), events)));
        batch.put(META_REVISION, longBytes(index));
      }
      batch.put(META_APPLIED, longBytes(index));
      db().write(writeOptions, batch);
      if (!events.isEmpty()) {
        recent.add(index, events);
      }
      appliedIndex = index;
      revision = newRevision;
      return new Applied(TxnResult.success(newRevision, results), events);
    } catch (RocksDBException e) {
      throw failure("apply entry " + index, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** A transaction's result and the events it produced (empty when nothing changed). */
  public record Applied(TxnResult result, List<WatchEvent> events) {}

  private Optional<KeyValue> current(Map<String, Optional<KeyValue>> state, String key)
      throws RocksDBException {
    Optional<KeyValue> known = state.get(key);
    if (known != null) {
      return known;
    }
    byte[] record = db().get(key(key));
    Optional<KeyValue> kv = record == null
        ? Optional.empty()
        : Optional.of(Codec.decodeRecord(key, record));
    state.put(key, kv);
    return kv;
  }

  private static boolean holds(Txn.Condition c, Optional<KeyValue> current) {
    if (c instanceof Txn.Absent) {
      return current.isEmpty();
    }
    if (c instanceof Txn.Present) {
      return current.isPresent();
    }
    long expected = ((Txn.ModRevisionEquals) c).modRevision();
    return current.isPresent() && current.get().modRevision() == expected;
  }

  public Optional<KeyValue> get(String key) {
    lock.readLock().lock();
    try {
      byte[] record = db().get(key(key));
      return record == null ? Optional.empty() : Optional.of(Codec.decodeRecord(key, record));
    } catch (RocksDBException e) {
      throw failure("read " + key, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * A consistent read of keys under {@code prefix} and the revision they were read at. A range
   * with a limit holds the snapshot it read for a while, so that {@link #rangeAt} can read the
   * next pages at the same revision (a caller may stop short of the limit and continue after any
   * key it was given).
   */
  public RangeResult range(String prefix, int limit, Optional<String> startAfter) {
    return readRange(-1, prefix, limit, startAfter);
  }

  /**
   * The keys under {@code prefix} as they were at {@code revision}: from the snapshot an earlier
   * page at that revision left held, or from the current state while it is still at that
   * revision.
   *
   * @throws RevisionNotHeldException if neither is the case
   */
  public RangeResult rangeAt(long revision, String prefix, int limit, Optional<String> startAfter) {
    return readRange(revision, prefix, limit, startAfter);
  }

  /** How many snapshots are held for later pages now. */
  public int heldSnapshots() {
    return held.size();
  }

  /** A range at {@code wanted}, or at the current revision when it is negative. */
  private RangeResult readRange(long wanted, String prefix, int limit, Optional<String> startAfter) {
    lock.readLock().lock();
    try {
      RocksDB d = db();
      HeldSnapshots.Lease lease = wanted < 0 ? null : held.acquire(wanted);
      Snapshot snapshot = lease != null ? lease.snapshot() : d.getSnapshot();
      boolean kept = false;
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
           RocksIterator it = d.newIterator(ro)) {
        long atRevision = longValue(d.get(ro, META_REVISION));
        if (wanted >= 0 && atRevision != wanted) {
          throw new RevisionNotHeldException(wanted, atRevision);
        }
        RangeResult result = scan(it, prefix, limit, startAfter, atRevision);
        if (lease == null && limit > 0 && !result.items().isEmpty()) {
          kept = held.hold(atRevision, snapshot);
        }
        return result;
      } finally {
        if (lease != null) {
          lease.close();
        } else if (!kept) {
          release(snapshot);
        }
      }
    } catch (RocksDBException e) {
      throw failure("range " + prefix, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  private static RangeResult scan(RocksIterator it, String prefix, int limit, Optional<String> startAfter,
      long atRevision) {
    byte[] lower = key(prefix);
    byte[] from = lower;
    if (startAfter.isPresent()) {
      // The smallest key after startAfter is startAfter followed by a zero byte.
      byte[] after = key(startAfter.get());
      byte[] next = Arrays.copyOf(after, after.length + 1);
      if (Arrays.compareUnsigned(next, lower) > 0) {
        from = next;
      }
    }
    it.seek(from);
    List<KeyValue> items = new ArrayList<>();
    Optional<String> continueAfter = Optional.empty();
    for (; it.isValid() && startsWith(it.key(), lower); it.next()) {
      if (limit > 0 && items.size() == limit) {
        continueAfter = Optional.of(items.get(items.size() - 1).key());
        break;
      }
      String k = new String(it.key(), 1, it.key().length - 1, StandardCharsets.UTF_8);
      items.add(Codec.decodeRecord(k, it.value()));
    }
    return new RangeResult(items, atRevision, continueAfter);
  }

  /** Frees a snapshot of the open database (callers hold the lock, so the database stays). */
  private void release(Snapshot snapshot) {
    db.releaseSnapshot(snapshot);
    snapshot.close();
  }

  /**
   * Events with revisions greater than {@code afterRevision} whose keys start with {@code
   * prefix}, whole revisions only, until at least {@code maxEvents} are collected. {@code
   * scannedTo} is the last revision looked at, so a caller resumes after it.
   */
  public HistoryPage history(String prefix, long afterRevision, int maxEvents) {
    lock.readLock().lock();
    try {
      if (afterRevision < compacted) {
        return new HistoryPage(List.of(), afterRevision, true);
      }
      HistoryPage held = recent.read(prefix, afterRevision, maxEvents);
      return held != null ? held : historyOnDisk(prefix, afterRevision, maxEvents);
    } finally {
      lock.readLock().unlock();
    }
  }

  private HistoryPage historyOnDisk(String prefix, long afterRevision, int maxEvents) {
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = db().newIterator(ro)) {
      PageBuilder page = new PageBuilder(prefix, afterRevision, maxEvents);
      for (it.seek(historyKey(afterRevision + 1)); it.isValid() && it.key()[0] == HISTORY; it.next()) {
        long rev = ByteBuffer.wrap(it.key(), 1, 8).getLong();
        if (!page.take(rev, Codec.decodeHistory(it.value()).events())) {
          break;
        }
      }
      // Compaction may have removed revisions while we read them; the caller must not take
      // a page that skipped any.
      return page.build(afterRevision < compacted);
    }
  }

  /** A page of history; {@code compacted} means the requested start is no longer kept. */
  public record HistoryPage(List<WatchEvent> events, long scannedTo, boolean compacted) {}

  /** Collects a page of history revision by revision, from disk or from memory alike. */
  static final class PageBuilder {
    private final String prefix;
    private final int maxEvents;
    private final List<WatchEvent> events = new ArrayList<>();
    private long scannedTo;

    PageBuilder(String prefix, long afterRevision, int maxEvents) {
      this.prefix = prefix;
      this.maxEvents = maxEvents;
      this.scannedTo = afterRevision;
    }

    /** Takes the next revision's events under the prefix; false once the page is full. */
    boolean take(long revision, List<WatchEvent> revisionEvents) {
      for (WatchEvent e : revisionEvents) {
        if (e.kv().key().startsWith(prefix)) {
          events.add(e);
        }
      }
      scannedTo = revision;
      return events.size() < maxEvents;
    }

    HistoryPage build(boolean compacted) {
      return new HistoryPage(events, scannedTo, compacted);
    }
  }

  /**
   * Drops history so that at most {@code maxRevisions} log indices and nothing older than
   * {@code maxAgeMillis} remain, always keeping the newest revision. Returns the new floor.
   */
  public long compactHistory(long maxRevisions, long maxAgeMillis) {
    lock.readLock().lock();
    try (RocksIterator it = db().newIterator()) {
      long newest = revision;
      long floor = Math.max(compacted, newest - maxRevisions);
      long oldestAllowed = clock.getAsLong() - maxAgeMillis;
      for (it.seek(historyKey(floor + 1)); it.isValid() && it.key()[0] == HISTORY; it.next()) {
        long rev = ByteBuffer.wrap(it.key(), 1, 8).getLong();
        if (rev >= newest || Codec.decodeHistory(it.value()).appliedAtMillis() >= oldestAllowed) {
          break;
        }
        floor = rev;
      }
      if (floor <= compacted) {
        return compacted;
      }
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(META_COMPACTED, longBytes(floor));
        batch.deleteRange(historyKey(0), historyKey(floor + 1));
        // Raise the floor before the data goes, so no reader trusts a page with a gap.
        compacted = floor;
        db().write(writeOptions, batch);
      }
      return floor;
    } catch (RocksDBException e) {
      throw failure("compact history", e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Writes a consistent, self-contained copy of the database into {@code target}. */
  public void checkpoint(Path target) {
    lock.readLock().lock();
    try (Checkpoint cp = Checkpoint.create(db())) {
      cp.createCheckpoint(target.toString());
    } catch (RocksDBException e) {
      throw failure("checkpoint into " + target, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Replaces the whole database with the checkpoint in {@code source} (a snapshot installed
   * from the leader). Readers wait while the swap happens.
   */
  public void restoreFrom(Path source) {
    lock.writeLock().lock();
    try {
      closeDb();
      deleteRecursively(dir);
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(source)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String name = f.getFileName().toString();
          if (name.endsWith(".md5") || !Files.isRegularFile(f)) {
            continue;
          }
          // SST files never change once written, so a hard link is a safe copy; the others
          // (MANIFEST, CURRENT, OPTIONS) are copied because RocksDB may rewrite them.
          if (name.endsWith(".sst")) {
            Files.createLink(dir.resolve(name), f);
          } else {
            Files.copy(f, dir.resolve(name));
          }
        }
      }
      openDb();
    } catch (IOException e) {
      throw new DataDirException("cannot restore " + dir + " from " + source + ": " + e.getMessage(), e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      closeDb();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void closeDb() {
    if (db != null) {
      held.releaseAll();
      db.close();
      db = null;
    }
    if (options != null) {
      options.close();
      options = null;
      bloom.close();
      blockCache.close();
    }
  }

  private RocksDB db() {
    RocksDB d = db;
    if (d == null) {
      throw new StoreException("the store database in " + dir + " is closed");
    }
    return d;
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted((a, b) -> b.compareTo(a))::iterator) {
        Files.delete(p);
      }
    }
  }

  private long readMetaLong(byte[] key) {
    try {
      return longValue(db().get(key));
    } catch (RocksDBException e) {
      throw failure("read meta", e);
    }
  }

  private StoreException failure(String what, RocksDBException e) {
    return new StoreException("storage failure: cannot " + what + " in " + dir + ": "
        + e.getMessage(), e);
  }

  private static long longValue(byte[] bytes) {
    return bytes == null ? 0 : ByteBuffer.wrap(bytes).getLong();
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static byte[] meta(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[n.length + 1];
    k[0] = META;
    System.arraycopy(n, 0, k, 1, n.length);
    return k;
  }

  private static byte[] key(String key) {
    byte[] n = key.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[n.length + 1];
    k[0] = KEY;
    System.arraycopy(n, 0, k, 1, n.length);
    return k;
  }

  private static byte[] historyKey(long revision) {
    return ByteBuffer.allocate(9).put(HISTORY).putLong(revision).array();
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    if (a.length < prefix.length) {
      return false;
    }
    return Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
  }
}
