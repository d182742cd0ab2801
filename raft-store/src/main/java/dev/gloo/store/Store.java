package dev.gloo.store;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A revisioned, watchable key-value store of byte values under string keys.
 *
 * <p>Reads through this interface are linearizable: they observe every write acknowledged
 * before the read started, on whichever node serves them. {@link #local()} gives the node's
 * applied state without a round trip, for callers that accept staleness.
 */
public interface Store {
  /** Largest value accepted, in bytes (1.5 MiB). */
  int MAX_VALUE_BYTES = 1536 * 1024;
  /** Largest transaction accepted, keys and values together, in bytes (3 MiB). */
  int MAX_TXN_BYTES = 3 * 1024 * 1024;
  /** Longest key accepted, in UTF-8 bytes. */
  int MAX_KEY_BYTES = 1024;

  Optional<KeyValue> get(String key);

  CompletableFuture<Optional<KeyValue>> getAsync(String key);

  /**
   * Keys under {@code prefix} in byte order, at most {@code limit} (0 means no limit), starting
   * after {@code startAfter} when it is present.
   */
  RangeResult range(String prefix, int limit, Optional<String> startAfter);

  /** Applies {@code txn} atomically; returns once it is committed on a majority and applied. */
  TxnResult txn(Txn txn);

  CompletableFuture<TxnResult> txnAsync(Txn txn);

  /**
   * Delivers every change under {@code prefix} with a revision greater than {@code
   * afterRevision}, in revision order and exactly once, then live changes. A negative
   * {@code afterRevision} means "from now".
   *
   * @throws RevisionCompactedException if history after {@code afterRevision} is no longer kept
   */
  Watch watch(String prefix, long afterRevision, WatchListener listener);

  /** The node's applied state, read without any round trip (may be stale). */
  LocalReader local();

  /** Reads of the node's own applied state. */
  interface LocalReader {
    Optional<KeyValue> get(String key);

    RangeResult range(String prefix, int limit, Optional<String> startAfter);

    /**
     * A later page of a paged range, at the revision of its first page: a range with a limit
     * keeps its state on this node for a while (a minute after its last use), so that every
     * page of one list shows the same revision.
     *
     * @throws RevisionNotHeldException if this node no longer holds the state at {@code
     *     revision} (it expired, or the first page was read on another node) and has moved past it
     */
    RangeResult rangeAt(long revision, String prefix, int limit, Optional<String> startAfter);

    /** The revision this node has applied up to. */
    long revision();

    /** The oldest revision a watch may still start after. */
    long compactedRevision();

    /**
     * Waits until this node has applied {@code revision} (one a client saw acknowledged, so
     * committed), at most {@code timeout}: cheaper than a linearizable read when all the caller
     * needs is to have caught up with that revision. True if it has.
     */
    boolean awaitRevision(long revision, Duration timeout);
  }
}
