package dev.gloo.ratelimit.server;

import static dev.gloo.ratelimit.limiter.Requests.descriptor;
import static dev.gloo.ratelimit.limiter.Requests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.api.client.ControlEndpoints;
import dev.gloo.apiserver.ProcessCluster;
import dev.gloo.ratelimit.config.EntryKey;
import dev.gloo.ratelimit.config.Limit;
import dev.gloo.ratelimit.config.RateLimitConfig;
import dev.gloo.ratelimit.config.Unit;
import dev.gloo.ratelimit.feed.ConfigCacheFile;
import dev.gloo.ratelimit.feed.ControlPlaneConfigs;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RateLimitConfigs from a real 3-node control cluster: a change applied with kubectl while
 * requests run takes effect, also after the node the feed was reading from died, and the last
 * config stays in force while no node answers, also across a restart (the cache file).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ControlPlaneConfigTest {
  private static final String CONFIG = """
      apiVersion: ratelimit.solo.io/v1alpha1
      kind: RateLimitConfig
      metadata: {name: NAME, namespace: gloo-system}
      spec:
        raw:
          descriptors:
          - key: generic_key
            value: counter
            rateLimit: {requestsPerUnit: LIMIT, unit: HOUR}
          rateLimits:
          - actions:
            - genericKey: {descriptorValue: counter}
      """;

  @Test
  void configChangesApplyWhileRequestsRunAndTheLastOneStaysWhenEveryNodeIsDown(@TempDir Path dir) throws Exception {
    TestRedis.requireShared();
    String name = "rl-" + UUID.randomUUID().toString().substring(0, 8);
    RateLimitRequest req = request(descriptor("gloo-system." + name, "generic_key", "counter"));
    try (ProcessCluster cluster = new ProcessCluster(dir, 3)) {
      cluster.addSetting("WATCH_BOOKMARK_SECONDS=1");
      cluster.startAll();
      awaitNamespace(cluster, "gloo-system");
      apply(cluster, "node1", dir, name, 1_000_000);

      ConfigCacheFile cache = new ConfigCacheFile(dir.resolve("configs.json"));
      ControlEndpoints endpoints = endpoints(cluster, dir);
      try (ControlPlaneConfigs configs = new ControlPlaneConfigs(endpoints, cache);
          Harness harness = new Harness(configs.store(), configs::synced, TestRedis.sharedUrl(), TestRedis.sharedPassword())) {
        harness.awaitRedis();
        Load load = new Load(harness, req);
        Thread loop = new Thread(load, "load");
        loop.start();
        try {
          load.await(r -> limitOf(r) == 1_000_000 && r.getOverallCode() == Code.OK, "limited by the first config", 60);
          // The feed hands over the list's configs a moment before it marks itself synced.
          long syncDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (!configs.synced() && System.nanoTime() < syncDeadline) {
            Thread.sleep(50);
          }
          assertTrue(configs.synced());

          // The feed reads from node1 first; losing it must not stop updates.
          cluster.kill("node1");
          apply(cluster, "node2", dir, name, 1);
          RateLimitResponse tightened = load.await(r -> limitOf(r) == 1, "limited by the edited config", 60);
          assertEquals(Code.OVER_LIMIT, tightened.getOverallCode(), "the counter is far past the new limit");

          cluster.kill("node2");
          cluster.kill("node3");
          Thread.sleep(3000); // the feed retries against dead nodes meanwhile
          RateLimitResponse kept = load.await(r -> true, "answered with every node down", 10);
          assertEquals(1, limitOf(kept), "the last config stays in force");
          assertEquals(Code.OVER_LIMIT, kept.getOverallCode());
        } finally {
          load.stop = true;
          loop.join(10_000);
        }
        assertEquals(0, load.grpcErrors.get(), "no request failed: " + load.lastError.get());
      }

      // Restarted while every node is still down: the cache file puts the last config in force.
      try (ControlPlaneConfigs restarted = new ControlPlaneConfigs(endpoints, cache)) {
        RateLimitConfig kept = restarted.store().current().get("gloo-system." + name);
        assertEquals(Limit.of(1, Unit.HOUR),
            kept.descriptors().get(new EntryKey("generic_key", "counter")).limit());
      }
    }
  }

  private static long limitOf(RateLimitResponse r) {
    return r.getStatuses(0).hasCurrentLimit() ? r.getStatuses(0).getCurrentLimit().getRequestsPerUnit() : -1;
  }

  private static ControlEndpoints endpoints(ProcessCluster cluster, Path dir) throws Exception {
    // Each node has a CA of its own: the client trusts a bundle of all of them.
    StringBuilder bundle = new StringBuilder();
    for (String id : cluster.ids()) {
      bundle.append(Files.readString(cluster.caFile(id))).append('\n');
    }
    Path ca = Files.writeString(dir.resolve("control-ca.pem"), bundle);
    Path token = Files.writeString(dir.resolve("control.token"), cluster.token());
    return ControlEndpoints.fromSettings(Map.of(
        ControlEndpoints.SERVERS, cluster.ids().stream().map(cluster::apiUrl).collect(Collectors.joining(",")),
        ControlEndpoints.TOKEN_FILE, token.toString(),
        ControlEndpoints.CA_FILE, ca.toString()));
  }

  private static void apply(ProcessCluster cluster, String node, Path dir, String name, long limit) throws Exception {
    Path f = Files.writeString(dir.resolve(name + "-" + limit + ".yaml"),
        CONFIG.replace("NAME", name).replace("LIMIT", Long.toString(limit)));
    ProcessCluster.Result r = cluster.kubectl(node, "apply", "-f", f.toString());
    assertEquals(0, r.code(), "kubectl apply on " + node + ": " + r.out());
  }

  private static void awaitNamespace(ProcessCluster cluster, String ns) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!cluster.kubectl("node1", "get", "namespace", ns).out().contains(ns)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("namespace " + ns + " never appeared");
      }
      Thread.sleep(500);
    }
  }
}
