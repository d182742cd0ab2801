package dev.gloo.xds.internal;

import dev.gloo.xds.EnvoyResources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds the published state and tells streams when their Gateway's content changed.
 *
 * <p>Invariants: the published revision only grows; a subscriber is told only about Gateways
 * whose content (the versions of some type) changed, so an update that changed nothing for a
 * Gateway wakes none of its streams. Subscribers register before they read {@link #current()},
 * so a publication between the two is never missed (at worst they look twice).
 */
public final class SnapshotHub {

  /** Called on the publishing thread; implementations hand the work to their own executor. */
  public interface Subscriber {
    void snapshotChanged();
  }

  private volatile PublishedState current = PublishedState.INITIAL;
  private final Map<String, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  /** What the last publication was built from, to skip hashing Gateways that did not change. */
  private Map<String, EnvoyResources> lastInputs = Map.of();

  private record Waiter(long revision, CompletableFuture<Void> future) {}

  public PublishedState current() {
    return current;
  }

  /**
   * Publishes the whole state at {@code revision}. Called by one thread at a time.
   *
   * @throws IllegalArgumentException when the revision goes backwards or a Gateway's resources
   *     are malformed (duplicate names); nothing is published then
   */
  public synchronized void publish(long revision, Map<String, EnvoyResources> gateways) {
    PublishedState previous = current;
    if (revision < previous.revision()) {
      throw new IllegalArgumentException(
          "revision " + revision + " is older than the published " + previous.revision());
    }
    Map<String, GatewaySnapshot> next = new HashMap<>();
    Set<String> changed = new HashSet<>();
    Map<String, EnvoyResources> inputs = new HashMap<>();
    for (Map.Entry<String, EnvoyResources> entry : gateways.entrySet()) {
      String name = entry.getKey();
      EnvoyResources input = Objects.requireNonNull(entry.getValue(), name);
      inputs.put(name, input);
      EnvoyResources lastInput = lastInputs.get(name);
      if (lastInput != null && (lastInput == input || lastInput.equals(input))) {
        // Same resources as last time: no hashing, nothing to wake.
        next.put(name, previous.gateways().get(name));
        continue;
      }
      GatewaySnapshot built;
      try {
        built = GatewaySnapshot.of(input);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Gateway " + name + ": " + e.getMessage(), e);
      }
      GatewaySnapshot before = previous.gateways().get(name);
      if (before != null && before.sameContent(built)) {
        next.put(name, before);
      } else {
        next.put(name, built);
        if (!(before == null && built.sameContent(GatewaySnapshot.EMPTY))) {
          changed.add(name);
        }
      }
    }
    for (Map.Entry<String, GatewaySnapshot> entry : previous.gateways().entrySet()) {
      if (!next.containsKey(entry.getKey())
          && !entry.getValue().sameContent(GatewaySnapshot.EMPTY)) {
        changed.add(entry.getKey());
      }
    }
    current = new PublishedState(revision, next);
    lastInputs = inputs;
    for (String gateway : changed) {
      Set<Subscriber> set = subscribers.get(gateway);
      if (set != null) {
        for (Subscriber subscriber : set) {
          subscriber.snapshotChanged();
        }
      }
    }
    releaseWaiters(revision);
  }

  /** Completes {@code future} once a state at {@code revision} or later is published. */
  public void whenPublished(long revision, CompletableFuture<Void> future) {
    synchronized (this) {
      if (current.revision() < revision) {
        waiters.removeIf(w -> w.future().isDone());
        waiters.add(new Waiter(revision, future));
        return;
      }
    }
    future.complete(null);
  }

  private void releaseWaiters(long revision) {
    List<CompletableFuture<Void>> released = new ArrayList<>();
    waiters.removeIf(
        w -> {
          if (w.future().isDone()) {
            return true;
          }
          if (w.revision() <= revision) {
            released.add(w.future());
            return true;
          }
          return false;
        });
    released.forEach(f -> f.complete(null));
  }

  public void subscribe(String gateway, Subscriber subscriber) {
    subscribers.computeIfAbsent(gateway, g -> ConcurrentHashMap.newKeySet()).add(subscriber);
  }

  public void unsubscribe(String gateway, Subscriber subscriber) {
    subscribers.computeIfPresent(
        gateway,
        (g, set) -> {
          set.remove(subscriber);
          return set.isEmpty() ? null : set;
        });
  }
}
