package dev.gloo.ratelimit.limiter;

import com.google.protobuf.Duration;
import dev.gloo.ratelimit.config.ConfigSnapshot;
import dev.gloo.ratelimit.config.ConfigSource;
import dev.gloo.ratelimit.config.Limit;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.DescriptorStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Decides a RateLimitRequest: matches each descriptor against the configs, keeps the limits
 * that Gloo's rule weights select, adds the hits to every selected counter in one Redis round
 * trip, and answers with per-descriptor statuses and RateLimit-* headers.
 *
 * <p>Invariants: a counter admits at most {@code requestsPerUnit} hits per window (INCRBY is
 * atomic and a request is OVER_LIMIT once its counter passes the limit); a counter in the
 * over-limit cache is not incremented again in its window; while Redis cannot be reached every
 * request is answered, within the Redis timeout, according to the {@link FailureMode}.
 */
public final class RateLimiter {
  static final int MAX_DESCRIPTORS = 256;
  static final int MAX_ENTRIES = 64;
  static final int MAX_COUNTER_KEY_CHARS = 8192;
  static final long MAX_HITS = 0xFFFF_FFFFL;

  private final String domain;
  private final ConfigSource configs;
  private final CounterStore counters;
  private final OverLimitCache overLimitCache;
  private final FailureMode failureMode;
  private final RedisHealth redisHealth;
  private final DecisionCounters decisions;
  private final Clock clock;

  public RateLimiter(String domain, ConfigSource configs, CounterStore counters, OverLimitCache overLimitCache,
      FailureMode failureMode, RedisHealth redisHealth, DecisionCounters decisions, Clock clock) {
    this.domain = domain;
    this.configs = configs;
    this.counters = counters;
    this.overLimitCache = overLimitCache;
    this.failureMode = failureMode;
    this.redisHealth = redisHealth;
    this.decisions = decisions;
    this.clock = clock;
  }

  /** @throws InvalidRequestException when the request is malformed; nothing is counted then */
  public CompletableFuture<RateLimitResponse> shouldRateLimit(RateLimitRequest request) {
    try {
      validate(request);
    } catch (InvalidRequestException e) {
      decisions.invalid.increment();
      throw e;
    }
    long nowMillis = clock.millis();
    int n = request.getDescriptorsCount();
    Counted[] counted = new Counted[n];
    if (domain.equals(request.getDomain())) {
      select(request, configs.current(), Math.floorDiv(nowMillis, 1000), counted);
    }
    List<Increment> increments = new ArrayList<>(n);
    for (Counted c : counted) {
      if (c != null && c.increment != null) {
        c.incrementIndex = increments.size();
        increments.add(c.increment);
      }
    }
    if (increments.isEmpty()) {
      return CompletableFuture.completedFuture(respond(counted, null, nowMillis));
    }
    return counters.incrementAll(increments).handle((values, error) -> {
      if (error != null) {
        redisHealth.failed(error);
        return respond(counted, null, nowMillis);
      }
      redisHealth.succeeded();
      return respond(counted, values, nowMillis);
    });
  }

  private static void validate(RateLimitRequest request) {
    if (request.getDomain().isEmpty()) {
      throw new InvalidRequestException("domain: must not be empty");
    }
    if (request.getDescriptorsCount() == 0) {
      throw new InvalidRequestException("descriptors: must not be empty");
    }
    if (request.getDescriptorsCount() > MAX_DESCRIPTORS) {
      throw new InvalidRequestException("descriptors: at most " + MAX_DESCRIPTORS + ", found " + request.getDescriptorsCount());
    }
    for (int i = 0; i < request.getDescriptorsCount(); i++) {
      RateLimitDescriptor d = request.getDescriptors(i);
      if (d.getEntriesCount() == 0) {
        throw new InvalidRequestException("descriptors[" + i + "].entries: must not be empty");
      }
      if (d.getEntriesCount() > MAX_ENTRIES) {
        throw new InvalidRequestException("descriptors[" + i + "].entries: at most " + MAX_ENTRIES + ", found " + d.getEntriesCount());
      }
      for (int j = 0; j < d.getEntriesCount(); j++) {
        if (d.getEntries(j).getKey().isEmpty()) {
          throw new InvalidRequestException("descriptors[" + i + "].entries[" + j + "].key: must not be empty");
        }
      }
      if (d.hasHitsAddend() && d.getHitsAddend().getValue() > MAX_HITS) {
        throw new InvalidRequestException("descriptors[" + i + "].hits_addend: at most " + MAX_HITS);
      }
    }
  }

  /** Fills {@code counted} with the limits that apply, following Gloo's rule weights. */
  private void select(RateLimitRequest request, ConfigSnapshot snapshot, long nowSecond, Counted[] counted) {
    Match[] matches = new Match[counted.length];
    long maxWeight = -1;
    for (int i = 0; i < matches.length; i++) {
      RateLimitDescriptor d = request.getDescriptors(i);
      Match m;
      try {
        m = DescriptorMatcher.match(domain, d, snapshot);
      } catch (InvalidRequestException e) {
        decisions.invalid.increment();
        throw new InvalidRequestException("descriptors[" + i + "]: " + e.getMessage());
      }
      if (m != null && m.counterKey().length() > MAX_COUNTER_KEY_CHARS) {
        decisions.invalid.increment();
        throw new InvalidRequestException("descriptors[" + i + "]: entries longer than " + MAX_COUNTER_KEY_CHARS + " characters in all");
      }
      matches[i] = m;
      if (m != null) {
        maxWeight = Math.max(maxWeight, m.weight());
      }
    }
    long requestHits = request.getHitsAddend() == 0 ? 1 : Integer.toUnsignedLong(request.getHitsAddend());
    for (int i = 0; i < matches.length; i++) {
      Match m = matches[i];
      if (m == null || (m.weight() < maxWeight && !m.alwaysApply())) {
        continue; // not limited, or outranked: Gloo does not count outranked rules at all
      }
      RateLimitDescriptor d = request.getDescriptors(i);
      long hits = d.hasHitsAddend() ? d.getHitsAddend().getValue() : requestHits;
      counted[i] = new Counted(m, hits, nowSecond);
      if (!m.limit().unlimited()) {
        if (overLimitCache.contains(counted[i].redisKey, nowSecond)) {
          counted[i].cachedOverLimit = true;
          decisions.overLimitCacheHits.increment();
        } else {
          // The counter expires when its window ends: it is never read after that.
          long ttl = Math.max(1, counted[i].windowEndSecond - nowSecond);
          counted[i].increment = new Increment(counted[i].redisKey, hits, ttl);
        }
      }
    }
  }

  /** @param values counter values after increment, or null when Redis failed or was not needed */
  private RateLimitResponse respond(Counted[] counted, long[] values, long nowMillis) {
    long nowSecond = Math.floorDiv(nowMillis, 1000);
    RateLimitResponse.Builder out = RateLimitResponse.newBuilder();
    Code overall = Code.OK;
    boolean failed = false;
    DescriptorStatus tightest = null;
    long tightestWindow = 0;
    for (Counted c : counted) {
      if (c == null || c.match.limit().unlimited()) {
        out.addStatuses(DescriptorStatus.newBuilder().setCode(Code.OK));
        continue;
      }
      Limit limit = c.match.limit();
      DescriptorStatus.Builder s = DescriptorStatus.newBuilder()
          .setCurrentLimit(RateLimitResponse.RateLimit.newBuilder()
              .setRequestsPerUnit((int) limit.requestsPerUnit())
              .setUnit(limit.unit().toProto()))
          .setDurationUntilReset(millis(c.windowEndSecond * 1000 - nowMillis));
      boolean over;
      boolean known = true;
      if (c.cachedOverLimit) {
        over = true;
        s.setLimitRemaining(0);
      } else if (values != null) {
        long after = values[c.incrementIndex];
        long before = after - c.hits;
        over = after > limit.requestsPerUnit();
        s.setLimitRemaining((int) Math.max(0, limit.requestsPerUnit() - after));
        if (over && before >= limit.requestsPerUnit()) {
          // Only a counter that was already full before this request is cached: a large
          // hits_addend that overshoots must not block later small requests that still fit.
          overLimitCache.add(c.redisKey, c.windowEndSecond, nowSecond);
        }
      } else {
        failed = true;
        known = false;
        over = failureMode == FailureMode.DENY;
      }
      Code code = over && !c.match.shadowMode() ? Code.OVER_LIMIT : Code.OK;
      if (over && c.match.shadowMode()) {
        decisions.shadowOverLimit.increment();
      }
      if (code == Code.OVER_LIMIT) {
        overall = Code.OVER_LIMIT;
      }
      DescriptorStatus status = s.setCode(code).build();
      out.addStatuses(status);
      if (known && (tightest == null || status.getLimitRemaining() < tightest.getLimitRemaining())) {
        tightest = status;
        tightestWindow = limit.unit().seconds();
      }
    }
    if (tightest != null) {
      addHeaders(out, tightest, tightestWindow);
    }
    if (failed) {
      (failureMode == FailureMode.ALLOW ? decisions.failedOpen : decisions.failedClosed).increment();
    }
    (overall == Code.OK ? decisions.ok : decisions.overLimit).increment();
    return out.setOverallCode(overall).build();
  }

  /** The IETF RateLimit header fields, as Envoy's reference service writes them. */
  private static void addHeaders(RateLimitResponse.Builder out, DescriptorStatus s, long windowSeconds) {
    long limit = Integer.toUnsignedLong(s.getCurrentLimit().getRequestsPerUnit());
    long resetSeconds = s.getDurationUntilReset().getSeconds() + (s.getDurationUntilReset().getNanos() > 0 ? 1 : 0);
    out.addResponseHeadersToAdd(header("RateLimit-Limit", limit + ", " + limit + ";w=" + windowSeconds));
    out.addResponseHeadersToAdd(header("RateLimit-Remaining", Integer.toUnsignedString(s.getLimitRemaining())));
    out.addResponseHeadersToAdd(header("RateLimit-Reset", Long.toString(resetSeconds)));
  }

  private static HeaderValue header(String key, String value) {
    return HeaderValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static Duration millis(long ms) {
    return Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
  }

  /** One applied limit of the request being decided. */
  private static final class Counted {
    final Match match;
    final long hits;
    final String redisKey;
    final long windowEndSecond;
    Increment increment;
    int incrementIndex = -1;
    boolean cachedOverLimit;

    Counted(Match match, long hits, long nowSecond) {
      this.match = match;
      this.hits = hits;
      if (match.limit().unlimited()) {
        this.redisKey = null;
        this.windowEndSecond = 0;
      } else {
        long start = match.limit().unit().windowStart(nowSecond);
        this.redisKey = match.counterKey() + "|" + start;
        this.windowEndSecond = start + match.limit().unit().seconds();
      }
    }
  }
}
