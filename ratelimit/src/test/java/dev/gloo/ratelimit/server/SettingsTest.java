package dev.gloo.ratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gloo.cluster.ConfigException;
import dev.gloo.ratelimit.limiter.FailureMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    Settings s = Settings.from(Map.of());
    assertEquals("127.0.0.1:18081", s.grpcAddress().getHostString() + ":" + s.grpcAddress().getPort());
    assertEquals(9091, s.adminAddress().getPort());
    assertEquals("solo.io", s.domain());
    assertEquals(Settings.RedisMode.SINGLE, s.redisMode());
    assertEquals("redis://127.0.0.1:6379", s.redisAddresses().get(0).toString());
    assertNull(s.redisPassword());
    assertEquals(100, s.redisTimeoutMillis());
    assertEquals(FailureMode.ALLOW, s.failureMode());
  }

  @Test
  void sentinelsAndClusterNodesAreListsAndRedissTurnsOnTls() {
    Settings s = Settings.from(Map.of("REDIS_MODE", "cluster", "REDIS_URL", "rediss://a:1, rediss://b:2",
        "REDIS_FAILURE_MODE", "Deny"));
    assertEquals(2, s.redisAddresses().size());
    assertEquals(true, s.redisTls());
    assertEquals(FailureMode.DENY, s.failureMode());
  }

  @Test
  void eachMistakeNamesItsKey() {
    assertEquals("REDIS_MODE: expected single, sentinel or cluster, found 'replicated'",
        message(Map.of("REDIS_MODE", "replicated")));
    assertEquals("REDIS_URL: expected redis://host:port or rediss://host:port, found 'localhost:6379'",
        message(Map.of("REDIS_URL", "localhost:6379")));
    assertEquals("REDIS_URL: one address with REDIS_MODE=single, found 2",
        message(Map.of("REDIS_URL", "redis://a:1,redis://b:2")));
    assertEquals("REDIS_FAILURE_MODE: failure mode must be allow or deny, found 'open'",
        message(Map.of("REDIS_FAILURE_MODE", "open")));
    assertEquals("REDIS_TIMEOUT_MS: expected a positive integer, found '0'", message(Map.of("REDIS_TIMEOUT_MS", "0")));
    assertEquals("GRPC_ADDRESS: expected host:port, found '18081'", message(Map.of("GRPC_ADDRESS", "18081")));
  }

  private static String message(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> Settings.from(env)).getMessage();
  }
}
