package dev.gloo.apiserver.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gloo.store.KeyValue;
import dev.gloo.store.RangeResult;
import dev.gloo.store.RevisionCompactedException;
import dev.gloo.store.Store;
import dev.gloo.store.StoreException;
import dev.gloo.store.Watch;
import dev.gloo.store.WatchEvent;
import dev.gloo.store.WatchListener;
import dev.gloo.translator.TranslationResult;
import dev.gloo.translator.IncrementalTranslator;
import dev.gloo.translator.Translator;
import dev.gloo.translator.model.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller loop every node runs: follow the store's watch, convert each changed object
 * once, and after each burst of changes hand the burst to the translator, translate once and
 * hand the result on (to xDS and to the status writer). The watch thread converts; the loop
 * thread alone feeds and runs the translator, so a translation reads the translator's objects
 * without copying them.
 *
 * <p>Invariant: a published result at revision R reflects exactly the store's applied state at
 * R (the watch delivers every change in revision order, and R is the revision of the last event
 * folded in), so the same R gives the same result on every node.
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
  static final String PREFIX = "/registry/";
  /** Collect a burst of changes for this long before translating. */
  private static final long COALESCE_MILLIS = 10;
  /**
   * Under a stream of changes, rest this many times as long as the last translation took before
   * the next one: a translation costs about the same for one change as for a thousand (it
   * rebuilds every Gateway a change reaches), so a steady write load gets fewer, larger
   * batches and the controller keeps to about 1/(1 + factor) of a core. A change after a quiet
   * spell still waits only {@link #COALESCE_MILLIS}.
   */
  private static final long REST_FACTOR = 3;
  private static final long MAX_REST_MILLIS = 2_000;

  private final Store store;
  private final Translator translator;
  private final ObjectMapper json;
  private final Consumer<TranslationResult> sink;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "controller");
    t.setDaemon(true);
    return t;
  });

  private final Object lock = new Object();
  /** Objects the translator reads, by store key, converted once per change. */
  private final Map<String, Cached> objects = new HashMap<>();
  /** Changes to {@link #objects} the translator has not been given yet, in order. */
  private List<Change> pending = new ArrayList<>();
  /** The translator and what it holds; the loop thread's alone. */
  private IncrementalTranslator incremental;
  private long revision;
  private boolean scheduled;
  /** When the last translation ended and how long it took (nanoTime); loop thread and lock. */
  private long lastEnd;
  private long lastDuration;
  private Watch watch;
  private volatile boolean closed;
  private volatile TranslationResult latest;

  /**
   * A stored object's revision and converted form (not its JSON: that is in the store, and the
   * status writer reads the few it writes).
   */
  public record Cached(long modRevision, Snapshot.Entry entry) {}

  /** An object to put into the translator ({@code put}), or to take out of it. */
  private record Change(Snapshot.Entry put, Snapshot.Entry remove) {}

  public Controller(Store store, Translator translator, ObjectMapper json, Consumer<TranslationResult> sink) {
    this.store = store;
    this.translator = translator;
    this.json = json;
    this.sink = sink;
  }

  /** Loads the current objects and starts following changes (the node must be ready). */
  public void start() {
    loop.execute(this::load);
  }

  /** The newest translation, or null before the first. */
  public TranslationResult latest() {
    return latest;
  }

  /** The stored object the controller holds now under a store key, with its revision; null if none. */
  public Cached stored(String key) {
    synchronized (lock) {
      return objects.get(key);
    }
  }

  private void load() {
    if (closed) {
      return;
    }
    try {
      RangeResult all = store.local().range(PREFIX, 0, Optional.empty());
      synchronized (lock) {
        objects.clear();
        pending = new ArrayList<>();
        incremental = new IncrementalTranslator(translator);
        for (KeyValue kv : all.items()) {
          put(kv);
        }
        revision = all.revision();
      }
      watch = store.watch(PREFIX, all.revision(), new WatchListener() {
        @Override
        public void onEvents(List<WatchEvent> events) {
          apply(events);
        }

        @Override
        public void onError(StoreException error) {
          if (!closed) {
            LOG.warn("controller watch ended ({}); reloading", error.toString());
            loop.schedule(Controller.this::load, error instanceof RevisionCompactedException ? 0 : 1000,
                TimeUnit.MILLISECONDS);
          }
        }
      });
      schedule();
    } catch (StoreException e) {
      LOG.warn("controller cannot load the objects yet ({}); retrying", e.toString());
      loop.schedule(this::load, 1, TimeUnit.SECONDS);
    } catch (RuntimeException | LinkageError e) {
      LOG.error("controller cannot load the objects; retrying", e);
      loop.schedule(this::load, 1, TimeUnit.SECONDS);
    }
  }

  private void apply(List<WatchEvent> events) {
    synchronized (lock) {
      for (WatchEvent e : events) {
        if (e.type() == WatchEvent.Type.PUT) {
          put(e.kv());
        } else {
          forget(e.kv().key());
        }
        revision = Math.max(revision, e.revision());
      }
    }
    schedule();
  }

  /** Keeps an object the translator reads; must hold {@code lock}. */
  private void put(KeyValue kv) {
    Cached old = objects.get(kv.key());
    if (old != null && old.modRevision() == kv.modRevision()) {
      return;
    }
    try {
      JsonNode object = json.readTree(kv.value());
      Snapshot.Entry entry = Snapshot.entry(object);
      forget(kv.key());
      if (entry != null) {
        objects.put(kv.key(), new Cached(kv.modRevision(), entry));
        pending.add(new Change(entry, null));
      }
    } catch (IOException | IllegalArgumentException e) {
      // The API validated the object; a model that cannot read it must not stop the others.
      LOG.warn("controller skips {}: {}", kv.key(), e.getMessage());
      forget(kv.key());
    }
  }

  /** Drops the object under a store key; must hold {@code lock}. */
  private void forget(String key) {
    Cached old = objects.remove(key);
    if (old != null) {
      pending.add(new Change(null, old.entry()));
    }
  }

  private void schedule() {
    long delayMillis;
    synchronized (lock) {
      if (scheduled || closed) {
        return;
      }
      scheduled = true;
      delayMillis = delayMillis(System.nanoTime(), lastEnd, lastDuration);
    }
    loop.schedule(this::translate, delayMillis, TimeUnit.MILLISECONDS);
  }

  /** How long a change seen at {@code now} waits: the coalescing window, or the rest still due. */
  static long delayMillis(long now, long lastEnd, long lastDuration) {
    long restUntil = lastEnd + Math.min(REST_FACTOR * lastDuration, TimeUnit.MILLISECONDS.toNanos(MAX_REST_MILLIS));
    return Math.max(COALESCE_MILLIS, TimeUnit.NANOSECONDS.toMillis(restUntil - now));
  }

  private void translate() {
    long start = System.nanoTime();
    List<Change> changes;
    long at;
    IncrementalTranslator t;
    synchronized (lock) {
      scheduled = false;
      changes = pending;
      pending = new ArrayList<>();
      at = revision;
      t = incremental;
    }
    try {
      for (Change c : changes) {
        if (c.remove() != null) {
          t.remove(c.remove().kind(), c.remove().key());
        } else {
          t.put(c.put());
        }
      }
      TranslationResult result = t.translate(at);
      LOG.debug("translated revision {} in {} ms ({} changes, {} Gateways translated again)", at,
          (System.nanoTime() - start) / 1_000_000, changes.size(), t.lastTranslatedGateways());
      latest = result;
      sink.accept(result);
    } catch (RuntimeException | LinkageError e) {
      LOG.error("translation of revision {} failed", at, e);
    } finally {
      long end = System.nanoTime();
      synchronized (lock) {
        lastEnd = end;
        lastDuration = end - start;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (watch != null) {
      watch.close();
    }
    loop.shutdownNow();
  }
}
