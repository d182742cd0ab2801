package dev.gloo.store.watch;

import dev.gloo.store.RevisionCompactedException;
import dev.gloo.store.StoreException;
import dev.gloo.store.Watch;
import dev.gloo.store.WatchListener;
import dev.gloo.store.engine.KvEngine;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers applied changes to watchers. Every watcher reads the durable history that the
 * apply path writes in the same batch as the change itself, from the revision after the last
 * one it delivered. Catch-up and live delivery are therefore the same loop, and a watcher can
 * neither skip nor repeat a revision, whatever it races with: an apply, a compaction, or a
 * snapshot installed underneath it.
 *
 * <p>{@link #notifyApplied()} is called after each apply; it only schedules work, so a slow
 * watcher never holds up the apply thread.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
  private static final int PAGE_EVENTS = 1000;

  private final KvEngineSource source;
  private final Executor delivery;
  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Where the hub reads from: the engine, which may be swapped by a snapshot install. */
  public interface KvEngineSource {
    KvEngine engine();
  }

  public WatchHub(KvEngineSource source, Executor delivery) {
    this.source = source;
    this.delivery = delivery;
  }

  /**
   * @throws RevisionCompactedException if history after {@code afterRevision} is not kept
   */
  public Watch register(String prefix, long afterRevision, WatchListener listener) {
    if (closed) {
      throw new StoreException("the store is closed");
    }
    KvEngine engine = source.engine();
    long start = afterRevision < 0 ? engine.revision() : afterRevision;
    if (start < engine.compactedRevision()) {
      throw new RevisionCompactedException(start, engine.compactedRevision());
    }
    Watcher w = new Watcher(prefix, start, listener);
    watchers.add(w);
    w.schedule();
    return w;
  }

  /** Wakes every watcher: new revisions were applied (or a snapshot was installed). */
  public void notifyApplied() {
    for (Watcher w : watchers) {
      w.schedule();
    }
  }

  public int size() {
    return watchers.size();
  }

  @Override
  public void close() {
    closed = true;
    for (Watcher w : watchers) {
      w.fail(new StoreException("the store is closed"));
    }
  }

  private final class Watcher implements Watch, Runnable {
    private final String prefix;
    private final WatchListener listener;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long lastDelivered;
    private volatile boolean done;

    Watcher(String prefix, long start, WatchListener listener) {
      this.prefix = prefix;
      this.lastDelivered = start;
      this.listener = listener;
    }

    void schedule() {
      if (done || !running.compareAndSet(false, true)) {
        return;
      }
      try {
        delivery.execute(this);
      } catch (RejectedExecutionException e) {
        running.set(false);
        fail(new StoreException("the store is closed"));
      }
    }

    @Override
    public void run() {
      long seen = lastDelivered;
      try {
        seen = drain();
      } catch (RuntimeException e) {
        LOG.warn("watch on '{}' failed after revision {}", prefix, lastDelivered, e);
        fail(e instanceof StoreException se ? se : new StoreException("watch failed: " + e, e));
      } finally {
        running.set(false);
      }
      // A notification that arrived while we were draining found us running and did nothing;
      // look once more so that it is not lost (but do not spin on a revision we already
      // looked at and found nothing readable for).
      if (!done && source.engine().revision() > Math.max(lastDelivered, seen)) {
        schedule();
      }
    }

    /** Delivers everything readable; returns the highest store revision it looked at. */
    private long drain() {
      long target = lastDelivered;
      while (!done) {
        KvEngine engine = source.engine();
        target = engine.revision();
        if (lastDelivered >= target) {
          return target;
        }
        KvEngine.HistoryPage page = engine.history(prefix, lastDelivered, PAGE_EVENTS);
        if (page.compacted()) {
          fail(new RevisionCompactedException(lastDelivered, engine.compactedRevision()));
          return target;
        }
        if (page.scannedTo() <= lastDelivered) {
          return target; // nothing readable yet; the next notification retries
        }
        if (!page.events().isEmpty()) {
          listener.onEvents(page.events());
        }
        lastDelivered = page.scannedTo();
      }
      return target;
    }

    void fail(StoreException error) {
      if (done) {
        return;
      }
      done = true;
      watchers.remove(this);
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        LOG.warn("watch listener threw on error delivery", e);
      }
    }

    @Override
    public long lastDeliveredRevision() {
      return lastDelivered;
    }

    @Override
    public void close() {
      done = true;
      watchers.remove(this);
    }
  }
}
