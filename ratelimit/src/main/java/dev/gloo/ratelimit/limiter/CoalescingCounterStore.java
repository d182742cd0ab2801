package dev.gloo.ratelimit.limiter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Sends the increments of concurrent requests to the store together: at most
 * {@code maxInFlight} calls are outstanding, and requests that arrive meanwhile wait and leave
 * in the next call, up to {@code maxKeysPerCall} counters each. Under load this turns many
 * small Redis calls into a few large ones (as the implicit pipelining of Envoy's reference
 * service does); with little load every request still leaves at once.
 *
 * <p>A request's increments are never split between calls, so it still costs exactly one
 * round trip and its counters move together. The store applies a call's increments in order,
 * so two requests on the same counter in one call each see their own value. No request waits
 * longer than {@code timeoutMillis}, queued or not.
 */
public final class CoalescingCounterStore implements CounterStore {
  private final CounterStore delegate;
  private final int maxInFlight;
  private final int maxKeysPerCall;
  private final long timeoutMillis;
  private final Executor completions = ForkJoinPool.commonPool();

  // Guarded by this.
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  public CoalescingCounterStore(CounterStore delegate, int maxInFlight, int maxKeysPerCall, long timeoutMillis) {
    this.delegate = delegate;
    this.maxInFlight = maxInFlight;
    this.maxKeysPerCall = maxKeysPerCall;
    this.timeoutMillis = timeoutMillis;
  }

  private record Pending(List<Increment> increments, CompletableFuture<long[]> result) {}

  @Override
  public CompletableFuture<long[]> incrementAll(List<Increment> increments) {
    Pending p = new Pending(increments, new CompletableFuture<>());
    List<Pending> call = null;
    synchronized (this) {
      queue.add(p);
      if (inFlight < maxInFlight) {
        inFlight++;
        call = takeCall();
      }
    }
    if (call != null) {
      send(call);
    }
    return p.result.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes queued requests, whole, up to the key budget (at least one). Requests that timed out
   * while queued were already answered by the failure mode and are dropped uncounted.
   */
  private List<Pending> takeCall() {
    List<Pending> call = new ArrayList<>();
    int keys = 0;
    while (!queue.isEmpty() && (call.isEmpty() || keys + queue.peek().increments.size() <= maxKeysPerCall)) {
      Pending p = queue.poll();
      if (!p.result.isDone()) {
        keys += p.increments.size();
        call.add(p);
      }
    }
    return call;
  }

  private void send(List<Pending> call) {
    List<Increment> merged;
    if (call.size() == 1) {
      merged = call.get(0).increments;
    } else {
      merged = new ArrayList<>();
      for (Pending p : call) {
        merged.addAll(p.increments);
      }
    }
    CompletableFuture<long[]> values;
    try {
      values = delegate.incrementAll(merged);
    } catch (RuntimeException e) {
      values = CompletableFuture.failedFuture(e);
    }
    // A call that failed at once must not recurse into the next one on this stack.
    if (values.isDone()) {
      values.whenCompleteAsync((v, e) -> finish(call, v, e), completions);
    } else {
      values.whenComplete((v, e) -> finish(call, v, e));
    }
  }

  private void finish(List<Pending> call, long[] values, Throwable error) {
    int offset = 0;
    for (Pending p : call) {
      if (error != null) {
        p.result.completeExceptionally(error);
      } else {
        int n = p.increments.size();
        p.result.complete(call.size() == 1 ? values : Arrays.copyOfRange(values, offset, offset + n));
        offset += n;
      }
    }
    List<Pending> next;
    synchronized (this) {
      next = takeCall();
      if (next.isEmpty()) {
        inFlight--;
        return;
      }
    }
    send(next);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
