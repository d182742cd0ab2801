package dev.gloo.ratelimit.server;

import static dev.gloo.ratelimit.limiter.Requests.descriptor;
import static dev.gloo.ratelimit.limiter.Requests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** REDIS_MODE=cluster and REDIS_MODE=sentinel against real redis-server processes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisTopologiesTest {
  private static final String PASSWORD = "topology-password";
  private static final String CONFIG = """
      metadata: {name: rl, namespace: default}
      spec: {raw: {descriptors: [{key: user, rateLimit: {requestsPerUnit: 2, unit: HOUR}}]}}
      """;

  @Test
  void aRequestWhoseCountersLiveOnDifferentClusterNodesIsCountedOnEach(@TempDir Path dir) throws Exception {
    List<TestRedis> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Path nodeDir = Files.createDirectories(dir.resolve("node" + i));
        nodes.add(TestRedis.startOwn(nodeDir, PASSWORD, "--cluster-enabled", "yes", "--masterauth", PASSWORD,
            "--cluster-config-file", nodeDir.resolve("nodes.conf").toString()));
      }
      List<String> create = new ArrayList<>(List.of("--cluster", "create"));
      nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      nodes.get(0).cli(create.toArray(String[]::new));
      awaitClusterOk(nodes);

      String urls = String.join(",", nodes.stream().map(TestRedis::url).toList());
      try (Harness harness = new Harness(urls, PASSWORD, "REDIS_MODE=cluster", "REDIS_TIMEOUT_MS=2000")) {
        harness.configs(CONFIG);
        RateLimitRequest.Builder many = RateLimitRequest.newBuilder().setDomain("solo.io");
        for (int u = 0; u < 12; u++) {
          // Values that differ in many bits: Redis Cluster's CRC16 is linear, so keys that
          // differ in one character ("u0".."u9") can all land on one node for a whole window.
          String user = UUID.nameUUIDFromBytes(("user" + u).getBytes(StandardCharsets.UTF_8)).toString();
          many.addDescriptors(descriptor("default.rl", "user", user));
        }
        RateLimitRequest req = many.build();
        assertAll(harness.stub().shouldRateLimit(req), Code.OK, 1);
        assertAll(harness.stub().shouldRateLimit(req), Code.OK, 0);
        assertAll(harness.stub().shouldRateLimit(req), Code.OVER_LIMIT, 0);
      }
      int nodesWithKeys = 0;
      int keys = 0;
      for (TestRedis n : nodes) {
        int size = Integer.parseInt(n.cli("DBSIZE").strip());
        keys += size;
        nodesWithKeys += size > 0 ? 1 : 0;
      }
      assertEquals(12, keys, "one counter per descriptor");
      assertTrue(nodesWithKeys >= 2, "12 counters spread over the cluster, found keys on " + nodesWithKeys + " nodes");
    } finally {
      for (TestRedis n : nodes) {
        n.close();
      }
    }
  }

  @Test
  void sentinelModeFindsTheMasterThroughTheSentinel(@TempDir Path dir) throws Exception {
    try (TestRedis master = TestRedis.startOwn(dir, PASSWORD)) {
      int sentinelPort = TestRedis.freePort();
      Path conf = Files.writeString(dir.resolve("sentinel.conf"), String.join("\n",
          "port " + sentinelPort,
          "bind 127.0.0.1",
          "dir " + dir,
          "requirepass " + PASSWORD,
          "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 1",
          "sentinel auth-pass mymaster " + PASSWORD) + "\n");
      Process sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
          .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start();
      try {
        awaitSentinel(sentinelPort, dir);
        try (Harness harness = new Harness("redis://127.0.0.1:" + sentinelPort, PASSWORD,
            "REDIS_MODE=sentinel", "REDIS_SENTINEL_MASTER=mymaster", "REDIS_TIMEOUT_MS=2000")) {
          harness.configs(CONFIG);
          RateLimitRequest req = request(descriptor("default.rl", "user", "alice"));
          assertEquals(Code.OK, harness.stub().shouldRateLimit(req).getOverallCode());
          assertEquals(Code.OK, harness.stub().shouldRateLimit(req).getOverallCode());
          assertEquals(Code.OVER_LIMIT, harness.stub().shouldRateLimit(req).getOverallCode());
        }
        assertEquals("1", master.cli("DBSIZE").strip(), "the counter is on the master the sentinel named");
      } finally {
        sentinel.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void assertAll(RateLimitResponse r, Code code, int remaining) {
    assertEquals(code, r.getOverallCode(), r.toString());
    for (RateLimitResponse.DescriptorStatus s : r.getStatusesList()) {
      assertEquals(code, s.getCode());
      assertEquals(remaining, s.getLimitRemaining());
    }
  }

  private static void awaitClusterOk(List<TestRedis> nodes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (TestRedis n : nodes) {
      while (!n.cli("CLUSTER", "INFO").contains("cluster_state:ok")) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("cluster not ok: " + n.cli("CLUSTER", "INFO"));
        }
        Thread.sleep(100);
      }
    }
  }

  private static void awaitSentinel(int port, Path dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!TestRedis.ping("127.0.0.1", port, PASSWORD).startsWith("+PONG")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sentinel did not start: " + Files.readString(dir.resolve("sentinel.log")));
      }
      Thread.sleep(100);
    }
  }

}
