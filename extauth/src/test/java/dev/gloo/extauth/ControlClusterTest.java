package dev.gloo.extauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.api.client.ControlEndpoints;
import dev.gloo.api.client.ResourceFeed;
import dev.gloo.apiserver.ProcessCluster;
import dev.gloo.extauth.auth.JwtAuthTestKeys;
import dev.gloo.extauth.check.EnvoyCheckRequests;
import dev.gloo.extauth.config.ConfigSource;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * gloo-extauth as a real process (started from an env file, as bin/gloo-extauth does) fed by a
 * real 3-node control cluster, checked over its Unix socket with Envoy-shaped requests. The
 * cluster is shared by the tests, which run in order; the last one takes every node down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class ControlClusterTest {
  private static final String BASIC_V1 = """
      apiVersion: enterprise.gloo.solo.io/v1
      kind: AuthConfig
      metadata: {name: basic-auth, namespace: gloo-system}
      spec:
        configs:
        - basicAuth:
            realm: gloo
            apr:
              users:
                test: {salt: n28wuo5p, hashedPassword: NLFTUNkXaht0g/2GJjUM51}
      """;
  /** v1 plus user "user" with password "password" (htpasswd -nbm user password). */
  private static final String BASIC_V2 = BASIC_V1 + "          user: {salt: TYiryv0/, hashedPassword: 8BvzLUO9IfGPGGsPnAgSu1}\n";

  private Path tmp;
  private ProcessCluster cluster;
  private ControlEndpoints endpoints;
  private Process extauth;
  private EpollEventLoopGroup loop;
  private ManagedChannel channel;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    tmp = dir;
    cluster = new ProcessCluster(tmp, 3);
    try {
      cluster.addSetting("WATCH_BOOKMARK_SECONDS=1");
      cluster.startAll();
      eventually("bootstrap namespaces", Duration.ofSeconds(60),
          () -> kubectl("node1", "get", "namespace", "gloo-system").contains("gloo-system"));
      // Every node made its own CA: one PEM file trusts them all.
      StringBuilder bundle = new StringBuilder();
      for (String id : cluster.ids()) {
        bundle.append(Files.readString(cluster.caFile(id)));
      }
      Path ca = Files.writeString(tmp.resolve("control-ca.crt"), bundle.toString());
      endpoints = new ControlEndpoints(cluster.ids().stream().map(id -> URI.create(cluster.apiUrl(id))).toList(),
          cluster.token(), ca);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (loop != null) {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    if (extauth != null) {
      extauth.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  @Test
  @Order(1)
  void theFeedFollowsAuthConfigsAcrossTheLossOfItsNode() throws Exception {
    AtomicReference<Map<String, JsonNode>> seen = new AtomicReference<>(Map.of());
    try (ResourceFeed feed = new ResourceFeed(endpoints, ConfigSource.AUTH_CONFIGS, (objects, rev) -> seen.set(objects))) {
      feed.start();
      assertTrue(feed.awaitSynced(Duration.ofSeconds(30)), "no list within 30 s");
      apply("node1", "feed-a.yaml", BASIC_V1.replace("basic-auth", "feed-a"));
      eventually("feed-a", Duration.ofSeconds(30), () -> seen.get().containsKey("gloo-system/feed-a"));

      // The feed reads from node1, the first in its list: kill it and write through node2.
      cluster.kill("node1");
      apply("node2", "feed-b.yaml", BASIC_V1.replace("basic-auth", "feed-b"));
      eventually("feed-b through another node", Duration.ofSeconds(60), () -> seen.get().containsKey("gloo-system/feed-b"));
      assertTrue(seen.get().containsKey("gloo-system/feed-a"), "resuming kept what was already seen");
      kubectlOk("node3", "delete", "authconfig", "feed-a", "-n", "gloo-system");
      eventually("the delete of feed-a", Duration.ofSeconds(30), () -> !seen.get().containsKey("gloo-system/feed-a"));
    } finally {
      cluster.start("node1");
      awaitReady("node1");
    }
  }

  @Test
  @Order(2)
  void extauthServesAuthConfigsFromTheClusterAndFollowsUpdatesWhileRequestsRun() throws Exception {
    startExtAuth();
    apply("node2", "basic.yaml", BASIC_V1);
    eventually("basic-auth loaded", Duration.ofSeconds(30), () -> status("gloo-system.basic-auth", "test:test123") == 200);
    assertEquals(401, status("gloo-system.basic-auth", "test:wrong"));
    assertEquals(401, status("gloo-system.basic-auth", "user:password"));

    // Requests keep flowing while the config changes: the test user must never be refused.
    AtomicInteger checks = new AtomicInteger();
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Stopped by a flag, not an interrupt: an interrupt cancels the gRPC call in flight.
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread load = new Thread(() -> {
      while (running.get()) {
        try {
          int s = status("gloo-system.basic-auth", "test:test123");
          if (s != 200) {
            failures.add("status " + s);
          }
          checks.incrementAndGet();
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          failures.add(e.toString());
        }
      }
    }, "load");
    load.start();
    try {
      apply("node3", "basic.yaml", BASIC_V2);
      eventually("the second user", Duration.ofSeconds(30), () -> status("gloo-system.basic-auth", "user:password") == 200);
    } finally {
      running.set(false);
      load.join(10_000);
    }
    assertTrue(checks.get() > 10, "only " + checks.get() + " checks ran during the update");
    assertEquals(List.of(), failures);

    // API keys: the Secret and the AuthConfig arrive in either order.
    apply("node1", "keys.yaml", """
        apiVersion: enterprise.gloo.solo.io/v1
        kind: AuthConfig
        metadata: {name: keys, namespace: gloo-system}
        spec:
          configs:
          - apiKeyAuth:
              labelSelector: {team: infra}
              headersFromMetadataEntry: {x-user-id: {name: user-id}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: alice, namespace: gloo-system, labels: {team: infra}}
        type: extauth.solo.io/apikey
        stringData: {api-key: alice-key, user-id: alice}
        """);
    eventually("alice's key", Duration.ofSeconds(30), () -> check("gloo-system.keys", Map.of("api-key", "alice-key"))
        .getStatus().getCode() == 0);
    CheckResponse ok = check("gloo-system.keys", Map.of("api-key", "alice-key"));
    assertEquals("x-user-id", ok.getOkResponse().getHeaders(0).getHeader().getKey());
    assertEquals("alice", ok.getOkResponse().getHeaders(0).getHeader().getValue());
    kubectlOk("node2", "delete", "secret", "alice", "-n", "gloo-system");
    eventually("alice's key revoked", Duration.ofSeconds(30), () -> check("gloo-system.keys", Map.of("api-key", "alice-key"))
        .getDeniedResponse().getStatus().getCodeValue() == 401);

    apply("node1", "jwt.yaml", """
        apiVersion: enterprise.gloo.solo.io/v1
        kind: AuthConfig
        metadata: {name: jwt, namespace: gloo-system}
        spec:
          configs:
          - oauth2:
              accessTokenValidation:
                jwt: {issuer: 'https://issuer.example', audiences: [api], localJwks: {inlineString: 'JWKS'}}
                claimsToHeaders: [{claim: sub, header: x-user}]
        """.replace("JWKS", JwtAuthTestKeys.jwks()));
    eventually("the jwt config", Duration.ofSeconds(30), () -> check("gloo-system.jwt",
        Map.of("authorization", "Bearer " + JwtAuthTestKeys.token("dana"))).getStatus().getCode() == 0);
    assertEquals(401, check("gloo-system.jwt", Map.of("authorization", "Bearer x.y.z"))
        .getDeniedResponse().getStatus().getCodeValue());
    assertEquals(403, check("gloo-system.nope", Map.of()).getDeniedResponse().getStatus().getCodeValue());
  }

  @Test
  @Order(3)
  void theLastConfigKeepsServingWhileEveryControlNodeIsDownAndUpdatesResumeAfter() throws Exception {
    if (extauth == null) {
      startExtAuth();
    }
    apply("node2", "basic.yaml", BASIC_V2);
    eventually("basic-auth v2", Duration.ofSeconds(30), () -> status("gloo-system.basic-auth", "user:password") == 200);
    for (String id : cluster.ids()) {
      cluster.kill(id);
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    int rounds = 0;
    while (System.nanoTime() < until) {
      assertEquals(200, status("gloo-system.basic-auth", "test:test123"));
      assertEquals(200, status("gloo-system.basic-auth", "user:password"));
      assertEquals(401, status("gloo-system.basic-auth", "test:wrong"));
      rounds++;
      Thread.sleep(50);
    }
    assertTrue(rounds > 20, "rounds: " + rounds);
    assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus());

    for (String id : cluster.ids()) {
      cluster.start(id);
    }
    for (String id : cluster.ids()) {
      awaitReady(id);
    }
    apply("node3", "basic.yaml", BASIC_V1);
    eventually("the update after the outage", Duration.ofSeconds(60),
        () -> status("gloo-system.basic-auth", "user:password") == 401);
    assertEquals(200, status("gloo-system.basic-auth", "test:test123"));
  }

  /**
   * ProcessCluster waits 120 s for a node; three restarting together on a busy 2-core machine
   * (replaying their logs) can take longer, so a node still alive gets a second period.
   */
  private void awaitReady(String id) throws Exception {
    try {
      cluster.awaitReady(id);
    } catch (AssertionError slow) {
      if (!slow.getMessage().startsWith(id + " not ready")) {
        throw slow;
      }
      cluster.awaitReady(id);
    }
  }

  private void startExtAuth() throws Exception {
    Path socket = tmp.resolve("extauth.sock");
    Path env = Files.writeString(tmp.resolve("gloo-extauth.env"), String.join("\n",
        "# as /etc/gloo/gloo-extauth.env",
        "CONTROL_SERVERS=" + String.join(",", endpoints.servers().stream().map(URI::toString).toList()),
        "CONTROL_TOKEN_FILE=" + tmp.resolve("admin.token"),
        "CONTROL_CA_FILE=" + endpoints.caFile(),
        "SOCKET_PATH=" + socket) + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    extauth = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        GlooExtAuth.class.getName(), "--env-file", env.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("extauth.log").toFile()).start();
    loop = new EpollEventLoopGroup(1);
    channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext().build();
    eventually("extauth SERVING", Duration.ofSeconds(60), () -> {
      assertTrue(extauth.isAlive(), "gloo-extauth exited");
      try {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING;
      } catch (io.grpc.StatusRuntimeException notYet) {
        return false;
      }
    });
  }

  private CheckResponse check(String configId, Map<String, String> headers) {
    return AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(EnvoyCheckRequests.of(configId, "GET", "/get", headers));
  }

  /** The HTTP status Envoy would act on: 200 when allowed. */
  private int status(String configId, String userColonPassword) {
    CheckResponse r = check(configId, Map.of("authorization",
        "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8))));
    return r.getStatus().getCode() == 0 ? 200 : r.getDeniedResponse().getStatus().getCodeValue();
  }

  private void apply(String node, String file, String yaml) throws Exception {
    Path f = Files.writeString(tmp.resolve(file), yaml);
    // Right after a node is lost the cluster may be electing: retry as an operator would.
    AtomicReference<String> last = new AtomicReference<>("");
    eventually("kubectl apply -f " + file + " on " + node, Duration.ofSeconds(120), () -> {
      ProcessCluster.Result r = cluster.kubectl(node, "apply", "-f", f.toString());
      last.set(r.out());
      return r.code() == 0;
    }, () -> "last kubectl output: " + last.get());
  }

  private String kubectl(String node, String... args) throws Exception {
    return cluster.kubectl(node, args).out();
  }

  private void kubectlOk(String node, String... args) throws Exception {
    ProcessCluster.Result r = cluster.kubectl(node, args);
    assertEquals(0, r.code(), () -> "kubectl " + String.join(" ", args) + ": " + r.out());
  }

  interface Condition {
    boolean get() throws Exception;
  }

  private void eventually(String what, Duration timeout, Condition condition) throws Exception {
    eventually(what, timeout, condition, () -> "");
  }

  private void eventually(String what, Duration timeout, Condition condition, java.util.function.Supplier<String> detail)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.get()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(100);
    }
    String log = extauth == null ? "" : "\n--- extauth.log ---\n" + Files.readString(tmp.resolve("extauth.log"));
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
        + (last == null ? "" : " (last error: " + last + ")") + "\n" + detail.get() + log);
  }
}
