package dev.gloo.store.raft;

import dev.gloo.store.DataDirException;
import dev.gloo.store.Txn;
import dev.gloo.store.codec.Codec;
import dev.gloo.store.engine.KvEngine;
import dev.gloo.store.watch.WatchHub;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine: it applies committed transactions, in log order, into the {@link
 * KvEngine}, serves read-only queries once Ratis has passed its ReadIndex barrier, and takes
 * and installs snapshots. It does no I/O of its own beyond the engine and the snapshot folder.
 *
 * <p>Replay: on start Ratis re-applies entries after the newest snapshot. The engine remembers
 * the last index it applied (written atomically with each entry), so entries it already holds
 * are skipped and replay is idempotent.
 */
final class StoreStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(StoreStateMachine.class);

  private final Path dbDir;
  private final String clusterId;
  private final LongSupplier clock;
  private final CheckpointStorage snapshots;
  private final WatchHub watchHub;
  private final AtomicLong snapshotsInstalled = new AtomicLong();
  private volatile KvEngine engine;
  /** Woken after each apply while anyone waits in {@link #awaitRevision}. */
  private final Object appliedSignal = new Object();
  private volatile int revisionWaiters;

  StoreStateMachine(Path dbDir, Path snapshotDir, String clusterId, LongSupplier clock,
      Executor watchDelivery) {
    this.dbDir = dbDir;
    this.clusterId = clusterId;
    this.clock = clock;
    this.snapshots = new CheckpointStorage(snapshotDir);
    this.watchHub = new WatchHub(() -> engine, watchDelivery);
  }

  KvEngine engine() {
    return engine;
  }

  WatchHub watchHub() {
    return watchHub;
  }

  long snapshotsInstalled() {
    return snapshotsInstalled.get();
  }

  /** Waits until this node has applied {@code revision}, at most {@code timeoutNanos}; true if it has. */
  boolean awaitRevision(long revision, long timeoutNanos) throws InterruptedException {
    if (engine.revision() >= revision) {
      return true;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (appliedSignal) {
      revisionWaiters++;
      try {
        // The waiter count is raised before the revision is read, and an apply moves the
        // revision before it reads the count, so either this loop sees the new revision or
        // the apply sees a waiter and wakes it.
        while (engine.revision() < revision) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(appliedSignal, left);
        }
        return true;
      } finally {
        revisionWaiters--;
      }
    }
  }

  private void signalApplied() {
    if (revisionWaiters > 0) {
      synchronized (appliedSignal) {
        appliedSignal.notifyAll();
      }
    }
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage)
      throws IOException {
    super.initialize(server, groupId, storage);
    getLifeCycle().startAndTransition(() -> open(storage), IOException.class);
  }

  private void open(RaftStorage storage) throws IOException {
    snapshots.init(storage);
    engine = KvEngine.open(dbDir, clock);
    checkClusterId();
    SnapshotInfo latest = snapshots.getLatestSnapshot();
    if (latest != null) {
      if (engine.appliedIndex() < latest.getIndex()) {
        // The database is behind the newest snapshot: a snapshot install was interrupted
        // between receiving the files and loading them. Load it now.
        LOG.info("database at index {} is behind snapshot {}; loading the snapshot",
            engine.appliedIndex(), latest.getTermIndex());
        engine.restoreFrom(snapshots.pathFor(latest.getTermIndex()));
        checkClusterId();
      }
      setLastAppliedTermIndex(latest.getTermIndex());
    }
    LOG.info("store opened: applied index {}, revision {}, snapshot {}",
        engine.appliedIndex(), engine.revision(), latest == null ? "none" : latest.getTermIndex());
  }

  private void checkClusterId() {
    String stored = engine.clusterId().orElse(null);
    if (stored == null) {
      engine.setClusterId(clusterId);
    } else if (!stored.equals(clusterId)) {
      throw new DataDirException("the database in " + dbDir + " belongs to cluster " + stored
          + ", but this node is configured for cluster " + clusterId);
    }
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    // Runs on the leader before the entry is appended: the log only ever holds valid entries.
    Txn txn;
    try {
      txn = Codec.decodeTxn(request.getMessage().getContent().asReadOnlyByteBuffer());
    } catch (Codec.CodecException e) {
      throw new IOException("malformed transaction: " + e.getMessage(), e);
    }
    Requests.validate(txn);
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(request.getMessage().getContent())
        .build();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    if (index <= engine.appliedIndex()) {
      // Replay of an entry the database already holds (see the class comment).
      updateLastAppliedTermIndex(entry.getTerm(), index);
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    Txn txn = Codec.decodeTxn(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    KvEngine.Applied applied = engine.apply(txn, index);
    updateLastAppliedTermIndex(entry.getTerm(), index);
    signalApplied();
    if (!applied.events().isEmpty()) {
      watchHub.notifyApplied();
    }
    return CompletableFuture.completedFuture(
        Message.valueOf(UnsafeByteOperations.unsafeWrap(Codec.encodeTxnResult(applied.result().withoutPutValues()))));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      Codec.ReadRequest read = Codec.decodeRead(request.getContent().asReadOnlyByteBuffer());
      byte[] reply;
      if (read instanceof Codec.Get g) {
        reply = Codec.encodeRange(new dev.gloo.store.RangeResult(
            engine.get(g.key()).stream().toList(), engine.revision(), java.util.Optional.empty()));
      } else {
        reply = Codec.encodeLong(engine.revision());
      }
      return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(reply)));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() <= 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    SnapshotInfo latest = snapshots.getLatestSnapshot();
    if (latest != null && latest.getIndex() >= last.getIndex()) {
      return latest.getIndex();
    }
    // Called on the apply thread, so the database holds exactly the entries up to `last`.
    engine.checkpoint(snapshots.pathFor(last));
    snapshots.refresh();
    snapshots.cleanupOldSnapshots(null);
    LOG.info("snapshot taken at {}", last);
    return last.getIndex();
  }

  @Override
  public synchronized void pause() {
    // Ratis pauses the state machine before it installs a snapshot's files, and requires it.
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  @Override
  public synchronized void reinitialize() throws IOException {
    SnapshotInfo installed = snapshots.refresh();
    if (installed == null) {
      return;
    }
    LOG.info("loading snapshot {} installed from the leader", installed.getTermIndex());
    engine.restoreFrom(snapshots.pathFor(installed.getTermIndex()));
    checkClusterId();
    setLastAppliedTermIndex(installed.getTermIndex());
    snapshotsInstalled.incrementAndGet();
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
    // Watchers resume from their own last revision, out of the installed history.
    signalApplied();
    watchHub.notifyApplied();
  }

  @Override
  public void close() throws IOException {
    watchHub.close();
    KvEngine e = engine;
    if (e != null) {
      e.close();
    }
    super.close();
  }
}
