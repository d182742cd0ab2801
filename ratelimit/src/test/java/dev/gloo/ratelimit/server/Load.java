package dev.gloo.ratelimit.server;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** One client calling in a loop, remembering the latest answer and the slowest call. */
final class Load implements Runnable {
  final Harness harness;
  final RateLimitRequest request;
  final AtomicReference<RateLimitResponse> latest = new AtomicReference<>();
  final AtomicLong slowest = new AtomicLong();
  final AtomicLong grpcErrors = new AtomicLong();
  final AtomicReference<Throwable> lastError = new AtomicReference<>();
  volatile boolean stop;

  Load(Harness harness, RateLimitRequest request) {
    this.harness = harness;
    this.request = request;
  }

  static boolean counted(RateLimitResponse r) {
    return r.getResponseHeadersToAddCount() > 0;
  }

  @Override
  public void run() {
    while (!stop) {
      long t0 = System.nanoTime();
      try {
        RateLimitResponse r = harness.stub().shouldRateLimit(request);
        slowest.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), Math::max);
        latest.set(r);
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        grpcErrors.incrementAndGet();
        lastError.set(e);
      }
    }
  }

  /** Waits (up to 20 s) for a response after now that satisfies {@code p}. */
  RateLimitResponse await(Predicate<RateLimitResponse> p, String what) throws InterruptedException {
    return await(p, what, 20);
  }

  RateLimitResponse await(Predicate<RateLimitResponse> p, String what, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    latest.set(null);
    while (System.nanoTime() < deadline) {
      RateLimitResponse r = latest.get();
      if (r != null && p.test(r)) {
        return r;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("not " + what + " within " + seconds + " s; latest " + latest.get());
  }
}
