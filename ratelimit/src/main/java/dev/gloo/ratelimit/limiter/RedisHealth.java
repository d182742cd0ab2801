package dev.gloo.ratelimit.limiter;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the last Redis call succeeded. Logs once when Redis stops answering and once when
 * it answers again, not once per failed request, so an outage reads as two clear lines.
 */
public final class RedisHealth {
  private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);

  private final FailureMode failureMode;
  private final AtomicBoolean up = new AtomicBoolean(true);
  private final LongAdder errors = new LongAdder();
  private final LongAdder failedSinceDown = new LongAdder();

  public RedisHealth(FailureMode failureMode) {
    this.failureMode = failureMode;
  }

  public void succeeded() {
    if (!up.get() && up.compareAndSet(false, true)) {
      log.info("Redis answers again after {} failed calls; rate limits are enforced again", failedSinceDown.sumThenReset());
    }
  }

  public void failed(Throwable cause) {
    errors.increment();
    failedSinceDown.increment();
    if (up.compareAndSet(true, false)) {
      log.error("Redis unreachable ({}); {} until it answers", describe(cause),
          failureMode == FailureMode.ALLOW ? "allowing requests (REDIS_FAILURE_MODE=allow)"
              : "denying limited requests (REDIS_FAILURE_MODE=deny)");
    }
  }

  public boolean isUp() {
    return up.get();
  }

  public long errorsTotal() {
    return errors.sum();
  }

  /** The outermost meaningful exception and the root cause: Redisson wraps the useful part. */
  private static String describe(Throwable t) {
    while (t.getCause() != null && t instanceof java.util.concurrent.CompletionException) {
      t = t.getCause();
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String outer = t.getClass().getSimpleName() + ": " + t.getMessage();
    return root == t ? outer : outer + ", caused by " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
