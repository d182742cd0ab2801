package dev.gloo.ratelimit.server;

import static dev.gloo.ratelimit.limiter.Requests.descriptor;
import static dev.gloo.ratelimit.limiter.Requests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.ratelimit.config.ConfigStore;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis killed and restarted under load: every request is still answered promptly, by the
 * failure mode while Redis is gone, and counting resumes by itself when it is back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisRestartTest {
  private static final String CONFIG = """
      metadata: {name: rl, namespace: default}
      spec:
        raw:
          descriptors:
          - {key: generic_key, value: busy, rateLimit: {requestsPerUnit: 1000000, unit: HOUR}}
      """;
  private static final RateLimitRequest BUSY = request(descriptor("default.rl", "generic_key", "busy"));

  @Test
  void requestsAreAnsweredByTheFailureModeWhileRedisIsDownAndCountedAgainWhenItIsBack(@TempDir Path dir) throws Exception {
    try (TestRedis redis = TestRedis.startOwn(dir);
        Harness open = new Harness(redis.url(), redis.password(), "REDIS_TIMEOUT_MS=200");
        Harness closed = new Harness(redis.url(), redis.password(), "REDIS_TIMEOUT_MS=200", "REDIS_FAILURE_MODE=deny")) {
      open.configs(CONFIG);
      closed.configs(CONFIG);
      Load load = new Load(open, BUSY);
      Thread loop = new Thread(load, "load");
      loop.start();
      try {
        load.await(Load::counted, "counted while Redis is up");
        assertEquals(Code.OK, closed.stub().shouldRateLimit(BUSY).getOverallCode());

        redis.kill();
        load.slowest.set(0);
        RateLimitResponse failedOpen = load.await(r -> !Load.counted(r), "answered without Redis");
        assertEquals(Code.OK, failedOpen.getOverallCode(), "failure mode allow");
        assertEquals(Code.OVER_LIMIT, closed.stub().shouldRateLimit(BUSY).getOverallCode(), "failure mode deny");
        Thread.sleep(1000); // a second of requests against the dead Redis
        assertEquals(0, open.metric("gloo_ratelimit_redis_up"));
        assertTrue(open.metric("gloo_ratelimit_redis_errors_total") > 0);
        assertTrue(open.metric("gloo_ratelimit_failed_open_total") > 0);
        assertTrue(load.slowest.get() < 1500, "a dead Redis held a request " + load.slowest.get() + " ms");

        redis.start();
        RateLimitResponse back = load.await(Load::counted, "counted again after the restart");
        assertTrue(back.getStatuses(0).getLimitRemaining() > 1_000_000 - 10_000,
            "the restarted Redis started from empty counters: " + back.getStatuses(0).getLimitRemaining());
        assertEquals(1, open.metric("gloo_ratelimit_redis_up"));
        RateLimitResponse deniedBefore = closed.stub().shouldRateLimit(BUSY);
        RateLimitResponse allowedAgain = deniedBefore.getOverallCode() == Code.OK ? deniedBefore
            : closed.stub().shouldRateLimit(BUSY); // its first call may still find a stale connection
        assertEquals(Code.OK, allowedAgain.getOverallCode());
      } finally {
        load.stop = true;
        loop.join(10_000);
      }
      assertEquals(0, load.grpcErrors.get(), "no request failed at the gRPC level: " + load.lastError.get());
    }
  }

  @Test
  void startsWithoutRedisAndCountsOnceRedisAppears(@TempDir Path dir) throws Exception {
    try (TestRedis redis = TestRedis.startOwn(dir)) {
      redis.kill();
      try (Harness harness = new Harness(new ConfigStore(), () -> true, redis.url(), redis.password(), "REDIS_TIMEOUT_MS=200")) {
        harness.configs(CONFIG);
        long t0 = System.nanoTime();
        RateLimitResponse withoutRedis = harness.stub().shouldRateLimit(BUSY);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "answered at once without Redis");
        assertEquals(Code.OK, withoutRedis.getOverallCode());
        assertEquals(0, withoutRedis.getResponseHeadersToAddCount(), "not counted");
        redis.start();
        Load load = new Load(harness, BUSY);
        Thread loop = new Thread(load, "load");
        loop.start();
        try {
          load.await(Load::counted, "counted once Redis is up");
        } finally {
          load.stop = true;
          loop.join(10_000);
        }
      }
    }
  }

  @Test
  void aRedisThatStopsAnsweringHoldsNoRequestBeyondTheTimeout(@TempDir Path dir) throws Exception {
    try (TestRedis redis = TestRedis.startOwn(dir);
        Harness harness = new Harness(redis.url(), redis.password(), "REDIS_TIMEOUT_MS=200")) {
      harness.configs(CONFIG);
      Load load = new Load(harness, BUSY);
      Thread loop = new Thread(load, "load");
      loop.start();
      try {
        load.await(Load::counted, "counted while Redis answers");
        redis.pause();
        load.slowest.set(0);
        RateLimitResponse hung = load.await(r -> !Load.counted(r), "answered while Redis hangs");
        assertEquals(Code.OK, hung.getOverallCode());
        Thread.sleep(3000); // past Redisson's own 2 s timeout: connections held by hung calls
        assertTrue(load.slowest.get() < 1000, "a hung Redis held a request " + load.slowest.get() + " ms");
        redis.resume();
        load.await(Load::counted, "counted again once Redis answers");
      } finally {
        redis.resume();
        load.stop = true;
        loop.join(10_000);
      }
      assertEquals(0, load.grpcErrors.get(), "no request failed at the gRPC level: " + load.lastError.get());
    }
  }
}
