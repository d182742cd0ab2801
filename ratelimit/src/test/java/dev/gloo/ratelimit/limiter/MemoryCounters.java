package dev.gloo.ratelimit.limiter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Counters in a map, recording every call, and failing on demand like an unreachable Redis. */
final class MemoryCounters implements CounterStore {
  final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
  final List<List<Increment>> calls = new CopyOnWriteArrayList<>();
  volatile boolean down;

  @Override
  public CompletableFuture<long[]> incrementAll(List<Increment> increments) {
    calls.add(List.copyOf(increments));
    if (down) {
      return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
    }
    long[] out = new long[increments.size()];
    for (int i = 0; i < out.length; i++) {
      Increment inc = increments.get(i);
      out[i] = values.computeIfAbsent(inc.key(), k -> new AtomicLong()).addAndGet(inc.hits());
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public void close() {}
}
