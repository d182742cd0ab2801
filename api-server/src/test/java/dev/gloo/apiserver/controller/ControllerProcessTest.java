package dev.gloo.apiserver.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.gloo.apiserver.ProcessCluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller on real nodes: objects applied with kubectl get their statuses written once
 * (by the leader), and every node serves the same Envoy resources with the same versions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ControllerProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  @TempDir
  static Path tmp;
  static ProcessCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ProcessCluster(tmp, 3);
    cluster.startAll();
    for (String f : List.of("01-gateway.yaml", "02-extauth.yaml", "03-ratelimit.yaml")) {
      Path file = tmp.resolve(f);
      try (var in = ControllerProcessTest.class.getResourceAsStream("/walkthrough/" + f)) {
        Files.write(file, in.readAllBytes());
      }
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void appliedWalkthroughGetsAcceptedStatusesOnEveryKind() throws Exception {
    for (String f : List.of("01-gateway.yaml", "02-extauth.yaml", "03-ratelimit.yaml")) {
      ProcessCluster.Result r = cluster.kubectl("node2", "apply", "-f", tmp.resolve(f).toString());
      assertEquals(0, r.code(), r.out());
    }
    // The Gateway may be judged before its route arrives: wait for the judgement that counts it.
    JsonNode gateway = awaitJson("gateway", "http-gateway", g -> "True".equals(condition(g.path("status").path("conditions"), "Programmed"))
        && g.path("status").path("listeners").path(0).path("attachedRoutes").asInt() == 1);
    assertEquals(1, gateway.path("status").path("listeners").get(0).path("attachedRoutes").asInt());
    JsonNode route = awaitJson("httproute", "httpbin", r -> r.path("status").path("parents").size() == 1
        && "True".equals(condition(r.path("status").path("parents").get(0).path("conditions"), "Accepted")));
    assertEquals("True", condition(route.path("status").path("parents").get(0).path("conditions"), "ResolvedRefs"));
    awaitJson("upstream", "extauth", u -> "Accepted".equals(u.path("status").path("statuses").path("gloo-system").path("state").asText()));
    awaitJson("upstream", "rate-limit", u -> "Accepted".equals(u.path("status").path("statuses").path("gloo-system").path("state").asText()));
    awaitJson("routeoption", "httpbin-auth", u -> "Accepted".equals(u.path("status").path("statuses").path("gloo-system").path("state").asText()));
  }

  @Test
  @Order(2)
  void settledStatusesAreNotRewritten() throws Exception {
    String before = settledVersion("gateway", "http-gateway");
    String routeBefore = settledVersion("httproute", "httpbin");
    Thread.sleep(3000);
    assertEquals(before, get("gateway", "http-gateway").path("metadata").path("resourceVersion").asText(),
        "no status write loop on the Gateway");
    assertEquals(routeBefore, get("httproute", "httpbin").path("metadata").path("resourceVersion").asText());
  }

  @Test
  @Order(3)
  void everyNodeServesTheSameResourcesWithTheSameVersion() throws Exception {
    List<DiscoveryResponse> listeners = new ArrayList<>();
    List<DiscoveryResponse> clusters = new ArrayList<>();
    for (String id : cluster.ids()) {
      listeners.add(fetch(id, LDS));
      clusters.add(fetch(id, CDS));
    }
    for (int i = 1; i < listeners.size(); i++) {
      assertEquals(listeners.get(0).getVersionInfo(), listeners.get(i).getVersionInfo());
      assertEquals(listeners.get(0).getResourcesList(), listeners.get(i).getResourcesList());
      assertEquals(clusters.get(0).getVersionInfo(), clusters.get(i).getVersionInfo());
      assertEquals(clusters.get(0).getResourcesList(), clusters.get(i).getResourcesList());
      assertEquals(cluster.ids().get(i), listeners.get(i).getControlPlane().getIdentifier());
    }
    assertEquals(1, listeners.get(0).getResourcesCount());
    assertEquals(3, clusters.get(0).getResourcesCount(), "httpbin, extauth and rate-limit clusters");
  }

  @Test
  @Order(4)
  void operatorEndpointsShowTheEnvoyConfigAndTheClusterFromAnyNode() throws Exception {
    ProcessCluster.Result config = cluster.kubectl("node3", "get", "--raw",
        "/gloo/v1/envoy/config?gateway=gloo-system/http-gateway");
    assertEquals(0, config.code(), config.out());
    assertTrue(config.out().contains("name: listener~8080"), config.out());
    assertTrue(config.out().contains("config_id: gloo-system.basic-auth"), config.out());
    ProcessCluster.Result missing = cluster.kubectl("node1", "get", "--raw",
        "/gloo/v1/envoy/config?gateway=gloo-system/nope");
    assertTrue(missing.code() != 0 && missing.out().contains("not translated"), missing.out());
    ProcessCluster.Result status = cluster.kubectl("node2", "get", "--raw", "/gloo/v1/cluster/status");
    assertEquals(0, status.code(), status.out());
    JsonNode s = JSON.readTree(status.out());
    assertEquals("node2", s.path("store").path("nodeId").asText());
    assertEquals(3, s.path("store").path("members").size());
    ProcessCluster.Result xds = cluster.kubectl("node2", "get", "--raw", "/gloo/v1/cluster/xds");
    assertEquals("127.0.0.1:" + cluster.xdsPort("node2"), JSON.readTree(xds.out()).path("address").asText());
  }

  /**
   * An Envoy that follows node1 fails over to node2 when node1 dies: reporting the version it
   * holds, it is sent nothing for unchanged content, and the next change arrives from node2.
   */
  @Test
  @Order(5)
  void adsClientFailsOverWithoutGoingBackwardsOrBeingWokenByANoOp() throws Exception {
    String rds = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    DiscoveryResponse fromNode1;
    try (AdsStream s1 = new AdsStream("node1")) {
      s1.request(rds, "", "");
      fromNode1 = s1.next(30);
      s1.request(rds, fromNode1.getVersionInfo(), fromNode1.getNonce());
    }
    cluster.kill("node1");
    // Like an Envoy that retries until a node answers: node2 serves once it has caught up with
    // the new leader (a new stream before that ends with UNAVAILABLE, tested in xds).
    cluster.awaitReady("node2");
    try (AdsStream s2 = new AdsStream("node2")) {
      s2.request(rds, fromNode1.getVersionInfo(), "");
      assertEquals(null, s2.poll(3), "same content on node2: nothing is sent");
      ProcessCluster.Result r = cluster.kubectl("node3", "patch", "httproute", "httpbin", "-n", "gloo-system",
          "--type=merge", "-p", "{\"spec\":{\"hostnames\":[\"api.example.com\",\"failover.example.com\"]}}");
      assertEquals(0, r.code(), r.out());
      DiscoveryResponse next = s2.next(30);
      assertEquals("node2", next.getControlPlane().getIdentifier());
      assertTrue(!next.getVersionInfo().equals(fromNode1.getVersionInfo()), "a new version");
      assertTrue(next.getResources(0).unpack(io.envoyproxy.envoy.config.route.v3.RouteConfiguration.class)
          .getVirtualHostsList().stream().anyMatch(v -> v.getDomainsList().contains("failover.example.com")),
          "the change made after the failover");
    }
  }

  /** A state-of-the-world ADS stream as an Envoy serving the walkthrough Gateway opens it. */
  private static final class AdsStream implements AutoCloseable {
    private final ManagedChannel channel;
    private final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final StreamObserver<DiscoveryRequest> requests;

    AdsStream(String node) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.xdsPort(node)).usePlaintext().build();
      requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
        @Override
        public void onNext(DiscoveryResponse r) {
          received.add(r);
        }

        @Override
        public void onError(Throwable t) {
          received.add(t);
        }

        @Override
        public void onCompleted() {}
      });
    }

    void request(String typeUrl, String version, String nonce) {
      requests.onNext(DiscoveryRequest.newBuilder().setNode(ENVOY).setTypeUrl(typeUrl).setVersionInfo(version)
          .setResponseNonce(nonce).addResourceNames("listener~8080").build());
    }

    DiscoveryResponse poll(int seconds) throws Exception {
      Object o = received.poll(seconds, TimeUnit.SECONDS);
      if (o instanceof Throwable t) {
        throw new AssertionError("ADS stream failed", t);
      }
      return (DiscoveryResponse) o;
    }

    DiscoveryResponse next(int seconds) throws Exception {
      DiscoveryResponse r = poll(seconds);
      assertTrue(r != null, "a response within " + seconds + " s");
      return r;
    }

    @Override
    public void close() throws InterruptedException {
      requests.onCompleted();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static final Node ENVOY = Node.newBuilder().setId("envoy-test").setCluster("gateway-proxy")
      .setMetadata(Struct.newBuilder().putFields("gloo.solo.io/gateway",
          Value.newBuilder().setStringValue("gloo-system/http-gateway").build())).build();

  /** One state-of-the-world response for {@code typeUrl}, as an Envoy serving the walkthrough Gateway. */
  private static DiscoveryResponse fetch(String node, String typeUrl) throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", cluster.xdsPort(node)).usePlaintext().build();
    try {
      LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
      StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(ch)
          .streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse r) {
              received.add(r);
            }

            @Override
            public void onError(Throwable t) {
              received.add(t);
            }

            @Override
            public void onCompleted() {}
          });
      Node envoy = Node.newBuilder().setId("envoy-test").setCluster("gateway-proxy")
          .setMetadata(Struct.newBuilder().putFields("gloo.solo.io/gateway",
              Value.newBuilder().setStringValue("gloo-system/http-gateway").build())).build();
      requests.onNext(DiscoveryRequest.newBuilder().setNode(envoy).setTypeUrl(typeUrl).build());
      Object first = received.poll(30, TimeUnit.SECONDS);
      requests.onCompleted();
      if (first instanceof Throwable t) {
        throw new AssertionError("ADS on " + node + " failed", t);
      }
      assertTrue(first instanceof DiscoveryResponse, "a response from " + node);
      return (DiscoveryResponse) first;
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String condition(JsonNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText();
      }
    }
    return "";
  }

  private static JsonNode get(String kind, String name) throws Exception {
    ProcessCluster.Result r = cluster.kubectl("node3", "get", kind, name, "-n", "gloo-system", "-o", "json");
    assertEquals(0, r.code(), r.out());
    return JSON.readTree(r.out());
  }

  /**
   * The object's resourceVersion once it has not moved for two seconds (the controller may
   * still be finishing its last batch); a write loop never gets there.
   */
  private static String settledVersion(String kind, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String last = get(kind, name).path("metadata").path("resourceVersion").asText();
    long since = System.nanoTime();
    while (System.nanoTime() - since < TimeUnit.SECONDS.toNanos(2)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(kind + " " + name + " is still rewritten after 30 s: a status write loop");
      }
      Thread.sleep(200);
      String now = get(kind, name).path("metadata").path("resourceVersion").asText();
      if (!now.equals(last)) {
        last = now;
        since = System.nanoTime();
      }
    }
    return last;
  }

  private static JsonNode awaitJson(String kind, String name, java.util.function.Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = get(kind, name);
      if (ready.test(last)) {
        return last;
      }
      Thread.sleep(300);
    }
    throw new AssertionError(kind + " " + name + " did not reach the expected status: " + last);
  }
}
