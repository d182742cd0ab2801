package dev.gloo.ratelimit.limiter;

import static dev.gloo.ratelimit.limiter.Requests.descriptor;
import static dev.gloo.ratelimit.limiter.Requests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt64Value;
import dev.gloo.ratelimit.config.ConfigSnapshot;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The decision logic over in-memory counters; RedisRateLimitTest runs the same path on Redis. */
class RateLimiterTest {
  private static final ConfigSnapshot CONFIGS = DescriptorMatcherTest.snapshot("""
      metadata: {name: rl, namespace: ns}
      spec:
        raw:
          descriptors:
          - key: generic_key
            value: counter
            rateLimit: {requestsPerUnit: 2, unit: MINUTE}
          - key: user
            weight: 1
            rateLimit: {requestsPerUnit: 1, unit: HOUR}
          - key: ip
            weight: 0
            rateLimit: {requestsPerUnit: 100, unit: SECOND}
          - key: global
            weight: 0
            alwaysApply: true
            rateLimit: {requestsPerUnit: 50, unit: SECOND}
          - key: shadow
            shadowMode: true
            rateLimit: {requestsPerUnit: 1, unit: SECOND}
          - key: free
            rateLimit: {unlimited: true}
      """);

  /** 12:00:45 UTC: 15 s left in the minute. */
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T12:00:45Z"), ZoneOffset.UTC);
  private final MemoryCounters counters = new MemoryCounters();
  private final OverLimitCache cache = new OverLimitCache(100);
  private final DecisionCounters decisions = new DecisionCounters();

  private RateLimiter limiter(FailureMode mode) {
    return new RateLimiter("solo.io", () -> CONFIGS, counters, cache, mode, new RedisHealth(mode), decisions, clock);
  }

  private RateLimitResponse decide(RateLimiter limiter, RateLimitRequest request) {
    return limiter.shouldRateLimit(request).join();
  }

  private static Map<String, String> headers(RateLimitResponse r) {
    return r.getResponseHeadersToAddList().stream().collect(Collectors.toMap(HeaderValue::getKey, HeaderValue::getValue));
  }

  @Test
  void countsWithinTheWindowAndAnswersWithStatusAndHeaders() {
    RateLimiter limiter = limiter(FailureMode.ALLOW);
    RateLimitRequest req = request(descriptor("ns.rl", "generic_key", "counter"));
    RateLimitResponse first = decide(limiter, req);
    assertEquals(Code.OK, first.getOverallCode());
    assertEquals(1, first.getStatuses(0).getLimitRemaining());
    assertEquals(15, first.getStatuses(0).getDurationUntilReset().getSeconds());
    assertEquals(Map.of("RateLimit-Limit", "2, 2;w=60", "RateLimit-Remaining", "1", "RateLimit-Reset", "15"), headers(first));
    assertEquals(Code.OK, decide(limiter, req).getOverallCode());
    RateLimitResponse third = decide(limiter, req);
    assertEquals(Code.OVER_LIMIT, third.getOverallCode());
    assertEquals(Code.OVER_LIMIT, third.getStatuses(0).getCode());
    assertEquals("0", headers(third).get("RateLimit-Remaining"));
    assertEquals(1, counters.values.size());
    assertEquals(15, counters.calls.get(0).get(0).ttlSeconds(), "the counter expires when its window ends");
    assertTrue(counters.values.keySet().iterator().next().endsWith("|" + Instant.parse("2026-01-01T12:00:00Z").getEpochSecond()),
        "the counter is the window that started on the minute");
  }

  @Test
  void aCounterFoundFullIsAnsweredFromTheCacheForTheRestOfItsWindow() {
    RateLimiter limiter = limiter(FailureMode.ALLOW);
    RateLimitRequest req = request(descriptor("ns.rl", "generic_key", "counter"));
    for (int i = 0; i < 4; i++) {
      decide(limiter, req);
    }
    int callsBefore = counters.calls.size();
    assertEquals(Code.OVER_LIMIT, decide(limiter, req).getOverallCode());
    assertEquals(callsBefore, counters.calls.size(), "no Redis call for a counter known to be over");
    assertTrue(decisions.overLimitCacheHits() >= 1);
  }

  @Test
  void aLargeHitsAddendThatOvershootsDoesNotBlockSmallerRequests() {
    RateLimiter limiter = limiter(FailureMode.ALLOW);
    RateLimitRequest big = request(descriptor("ns.rl", "generic_key", "counter")).toBuilder().setHitsAddend(5).build();
    assertEquals(Code.OVER_LIMIT, decide(limiter, big).getOverallCode());
    assertEquals(0, cache.size(), "the counter was empty before, so it is not cached as full");
  }

  @Test
  void perDescriptorHitsAddendOverridesTheRequestsAndZeroOnlyReads() {
    RateLimiter limiter = limiter(FailureMode.ALLOW);
    RateLimitRequest peek = request(descriptor("ns.rl", "generic_key", "counter").toBuilder()
        .setHitsAddend(UInt64Value.of(0)).build()).toBuilder().setHitsAddend(7).build();
    RateLimitResponse r = decide(limiter, peek);
    assertEquals(Code.OK, r.getOverallCode());
    assertEquals(2, r.getStatuses(0).getLimitRemaining());
  }

  @Test
  void onlyTheHighestWeightAndAlwaysApplyRulesAreCounted() {
    RateLimiter limiter = limiter(FailureMode.ALLOW);
    RateLimitResponse r = decide(limiter, request(
        descriptor("ns.rl", "user", "alice"), descriptor("ns.rl", "ip", "1.2.3.4"), descriptor("ns.rl", "global", "all")));
    assertEquals(3, r.getStatusesCount());
    assertTrue(r.getStatuses(0).hasCurrentLimit());
    assertFalse(r.getStatuses(1).hasCurrentLimit(), "weight 0 < 1: outranked, not counted");
    assertTrue(r.getStatuses(2).hasCurrentLimit(), "alwaysApply counts despite weight 0");
    assertEquals(2, counters.values.size());
  }

  @Test
  void shadowModeCountsButNeverDenies() {
    RateLimiter limiter = limiter(FailureMode.ALLOW);
    RateLimitRequest req = request(descriptor("ns.rl", "shadow", "x"));
    decide(limiter, req);
    RateLimitResponse second = decide(limiter, req);
    assertEquals(Code.OK, second.getOverallCode());
    assertEquals(Code.OK, second.getStatuses(0).getCode());
    assertEquals(1, decisions.shadowOverLimit());
  }

  @Test
  void unlimitedAndUnmatchedDescriptorsAreOkWithoutTouchingRedis() {
    RateLimiter limiter = limiter(FailureMode.DENY);
    RateLimitResponse r = decide(limiter, request(descriptor("ns.rl", "free", "x"), descriptor("ns.nope", "k", "v")));
    assertEquals(Code.OK, r.getOverallCode());
    assertEquals(2, r.getStatusesCount());
    assertTrue(counters.calls.isEmpty());
    RateLimitResponse otherDomain = decide(limiter,
        request(descriptor("ns.rl", "generic_key", "counter")).toBuilder().setDomain("other").build());
    assertEquals(Code.OK, otherDomain.getOverallCode());
    assertTrue(counters.calls.isEmpty());
  }

  @Test
  void allIncrementsOfARequestGoInOneCall() {
    RateLimiter limiter = limiter(FailureMode.ALLOW);
    decide(limiter, request(descriptor("ns.rl", "generic_key", "counter"), descriptor("ns.rl", "shadow", "a")));
    assertEquals(1, counters.calls.size());
    assertEquals(2, counters.calls.get(0).size());
  }

  @Test
  void redisDownAllowsByDefaultAndDeniesWhenConfigured() {
    counters.down = true;
    RateLimitRequest req = request(descriptor("ns.rl", "generic_key", "counter"), descriptor("ns.rl", "shadow", "a"));
    RateLimitResponse open = decide(limiter(FailureMode.ALLOW), req);
    assertEquals(Code.OK, open.getOverallCode());
    assertEquals(0, open.getResponseHeadersToAddCount(), "no remaining count to report without Redis");
    RateLimitResponse closed = decide(limiter(FailureMode.DENY), req);
    assertEquals(Code.OVER_LIMIT, closed.getOverallCode());
    assertEquals(Code.OVER_LIMIT, closed.getStatuses(0).getCode());
    assertEquals(Code.OK, closed.getStatuses(1).getCode(), "shadow mode never denies");
    assertEquals(1, decisions.failedOpen());
    assertEquals(1, decisions.failedClosed());
  }

  @Test
  void malformedRequestsAreRefusedBeforeAnythingIsCounted() {
    RateLimiter limiter = limiter(FailureMode.ALLOW);
    assertThrows(InvalidRequestException.class, () -> limiter.shouldRateLimit(RateLimitRequest.newBuilder().setDomain("solo.io").build()));
    assertThrows(InvalidRequestException.class, () -> limiter.shouldRateLimit(request(descriptor("ns.rl")).toBuilder().setDomain("").build()));
    assertThrows(InvalidRequestException.class, () -> limiter.shouldRateLimit(request(descriptor("ns.rl", "", "v"))));
    assertThrows(InvalidRequestException.class, () -> limiter.shouldRateLimit(request(descriptor("ns.rl", "generic_key", "counter")
        .toBuilder().setHitsAddend(UInt64Value.of(1L << 40)).build())));
    assertTrue(counters.calls.isEmpty());
    assertEquals(4, decisions.invalid());
  }
}
