package dev.gloo.ratelimit.server;

import static dev.gloo.ratelimit.limiter.Requests.descriptor;
import static dev.gloo.ratelimit.limiter.Requests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.redisson.api.RedissonClient;

/** The service over gRPC on the shared Redis, as Envoy would call it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisRateLimitTest {
  /** Counters of earlier runs against the same Redis must not count here. */
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private Harness harness;
  private RedissonClient redis;

  @BeforeAll
  void start() {
    harness = Harness.onSharedRedis("REDIS_FAILURE_MODE=deny");
    redis = RedisClients.create(Settings.from(Map.of("REDIS_URL", TestRedis.sharedUrl(),
        "REDIS_PASSWORD", TestRedis.sharedPassword(), "REDIS_TIMEOUT_MS", "2000")));
  }

  @AfterAll
  void stop() {
    if (harness != null) {
      harness.close();
    }
    if (redis != null) {
      redis.shutdown();
    }
  }

  @Test
  void theSeedsOnePerMinuteGlobalLimitAllowsTheFirstRequestAndRefusesTheSecond() throws Exception {
    String name = "ratelimit-config-" + run;
    harness.configs("""
        apiVersion: ratelimit.solo.io/v1alpha1
        kind: RateLimitConfig
        metadata: {name: NAME, namespace: gloo-system}
        spec:
          raw:
            descriptors:
            - key: generic_key
              value: counter
              rateLimit: {requestsPerUnit: 1, unit: MINUTE}
            rateLimits:
            - actions:
              - genericKey: {descriptorValue: counter}
        """.replace("NAME", name));
    Harness.awayFromWindowEnd(60, 3);
    RateLimitRequest req = request(descriptor("gloo-system." + name, "generic_key", "counter"));

    RateLimitResponse first = harness.stub().shouldRateLimit(req);
    assertEquals(Code.OK, first.getOverallCode());
    assertEquals(1, first.getStatuses(0).getCurrentLimit().getRequestsPerUnit());
    assertEquals(RateLimitResponse.RateLimit.Unit.MINUTE, first.getStatuses(0).getCurrentLimit().getUnit());
    Map<String, String> headers = first.getResponseHeadersToAddList().stream()
        .collect(Collectors.toMap(HeaderValue::getKey, HeaderValue::getValue));
    assertEquals("1, 1;w=60", headers.get("RateLimit-Limit"));
    assertEquals("0", headers.get("RateLimit-Remaining"));
    long reset = Long.parseLong(headers.get("RateLimit-Reset"));
    assertTrue(reset >= 1 && reset <= 60, "reset within the minute: " + reset);

    RateLimitResponse second = harness.stub().shouldRateLimit(req);
    assertEquals(Code.OVER_LIMIT, second.getOverallCode());
    assertEquals(Code.OVER_LIMIT, second.getStatuses(0).getCode());

    // The counter lives in Redis and expires with its window.
    List<String> keys = new ArrayList<>();
    redis.getKeys().getKeysByPattern("*" + name + "*").forEach(keys::add);
    assertEquals(1, keys.size(), keys.toString());
    long ttl = redis.getKeys().remainTimeToLive(keys.get(0));
    long untilWindowEnd = 60_000 - Math.floorMod(System.currentTimeMillis(), 60_000);
    assertTrue(ttl > 0 && ttl <= untilWindowEnd + 1000, "ttl " + ttl + " ms, window ends in " + untilWindowEnd + " ms");
  }

  @Test
  void concurrentClientsOnOneKeyGetExactlyTheLimitPerWindow() throws Exception {
    int limit = 200;
    int clients = 32;
    int perClient = 20;
    harness.configs("""
        metadata: {name: NAME, namespace: default}
        spec: {raw: {descriptors: [{key: generic_key, value: shared, rateLimit: {requestsPerUnit: LIMIT, unit: HOUR}}]}}
        """.replace("NAME", "concurrent-" + run).replace("LIMIT", Integer.toString(limit)));
    Harness.awayFromWindowEnd(3600, 30);
    RateLimitRequest req = request(descriptor("default.concurrent-" + run, "generic_key", "shared"));
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger over = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        // Each client its own channel: distinct connections, as distinct Envoys would have.
        done.add(pool.submit(() -> {
          var channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
              .forAddress("127.0.0.1", harness.service.grpcPort()).usePlaintext().build();
          try {
            var stub = RateLimitServiceGrpc.newBlockingStub(channel);
            go.await();
            for (int i = 0; i < perClient; i++) {
              Code code = stub.withDeadlineAfter(20, TimeUnit.SECONDS).shouldRateLimit(req).getOverallCode();
              (code == Code.OK ? ok : over).incrementAndGet();
            }
          } finally {
            channel.shutdownNow();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(limit, ok.get(), "allowed in the window");
    assertEquals(clients * perClient - limit, over.get());
    assertEquals(0, harness.metric("gloo_ratelimit_redis_errors_total"),
        "with failure mode deny, a Redis error could hide over-admission: there must be none");
  }

  @Test
  void distinctValuesOfAWildcardKeyCountSeparately() {
    harness.configs("""
        metadata: {name: NAME, namespace: default}
        spec: {raw: {descriptors: [{key: remote_address, rateLimit: {requestsPerUnit: 1, unit: HOUR}}]}}
        """.replace("NAME", "per-ip-" + run));
    String id = "default.per-ip-" + run;
    assertEquals(Code.OK, harness.stub().shouldRateLimit(request(descriptor(id, "remote_address", "10.0.0.1"))).getOverallCode());
    assertEquals(Code.OK, harness.stub().shouldRateLimit(request(descriptor(id, "remote_address", "10.0.0.2"))).getOverallCode());
    assertEquals(Code.OVER_LIMIT, harness.stub().shouldRateLimit(request(descriptor(id, "remote_address", "10.0.0.1"))).getOverallCode());
  }
}
