package dev.gloo.ratelimit.limiter;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Shared fixed-window counters. */
public interface CounterStore extends AutoCloseable {
  /**
   * Applies all increments in one round trip and completes with each counter's value after
   * its increment, in order. Completes exceptionally, within a bounded time, when the store
   * cannot be reached.
   */
  CompletableFuture<long[]> incrementAll(List<Increment> increments);

  @Override
  void close();
}
