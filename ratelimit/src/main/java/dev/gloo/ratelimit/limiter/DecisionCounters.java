package dev.gloo.ratelimit.limiter;

import java.util.concurrent.atomic.LongAdder;

/** Counts of what the limiter answered, for the metrics endpoint. */
public final class DecisionCounters {
  final LongAdder ok = new LongAdder();
  final LongAdder overLimit = new LongAdder();
  final LongAdder shadowOverLimit = new LongAdder();
  final LongAdder overLimitCacheHits = new LongAdder();
  final LongAdder failedOpen = new LongAdder();
  final LongAdder failedClosed = new LongAdder();
  final LongAdder invalid = new LongAdder();

  public long ok() {
    return ok.sum();
  }

  public long overLimit() {
    return overLimit.sum();
  }

  public long shadowOverLimit() {
    return shadowOverLimit.sum();
  }

  public long overLimitCacheHits() {
    return overLimitCacheHits.sum();
  }

  public long failedOpen() {
    return failedOpen.sum();
  }

  public long failedClosed() {
    return failedClosed.sum();
  }

  public long invalid() {
    return invalid.sum();
  }
}
