package dev.gloo.xds;

import static dev.gloo.xds.Fixtures.CDS;
import static dev.gloo.xds.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A new stream waits until this node has caught up with the cluster, or is sent away. */
class BarrierTest {

  static final String GW = "default/gw";
  final Node node = Fixtures.node(GW);

  static EnvoyResources clusters(String... names) {
    return new EnvoyResources(
        List.of(), List.of(), java.util.Arrays.stream(names).map(Fixtures::edsCluster).toList(), List.of(), List.of());
  }

  @Test
  void aLaggingNodeAnswersOnlyOnceItHasPublishedTheClusterRevision() throws Exception {
    TestBarrier barrier = new TestBarrier(12);
    try (XdsServer lagging = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node3"), barrier)) {
      lagging.start();
      lagging.update(10, Map.of(GW, clusters("old")));
      try (AdsClient client = AdsClient.loopback(lagging.port())) {
        var call = client.sotw();
        call.send(request(node, CDS, "", ""));
        call.expectNothing(Duration.ofMillis(500));
        lagging.update(11, Map.of(GW, clusters("older-than-12")));
        call.expectNothing(Duration.ofMillis(300));
        lagging.update(12, Map.of(GW, clusters("current")));
        DiscoveryResponse first = call.next();
        assertEquals("current", first.getResources(0).unpack(Cluster.class).getName());
        assertEquals(1, barrier.calls.get());
      }
    }
  }

  @Test
  void aFreshNodeServesNothingBeforeItsFirstUpdate() throws Exception {
    try (XdsServer fresh = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node1"), new TestBarrier(0))) {
      fresh.start();
      try (AdsClient client = AdsClient.loopback(fresh.port())) {
        var call = client.sotw();
        call.send(request(node, CDS, "", ""));
        call.expectNothing(Duration.ofMillis(500));
        fresh.update(0, Map.of());
        assertEquals(0, call.next().getResourcesCount());
      }
    }
  }

  @Test
  void aNodeThatDoesNotCatchUpInTimeEndsTheStreamWithUnavailable() throws Exception {
    XdsSettings settings = XdsSettings.plaintext("127.0.0.1", 0, "node3").withBarrierTimeout(Duration.ofMillis(300));
    try (XdsServer lagging = new XdsServer(settings, new TestBarrier(50))) {
      lagging.start();
      lagging.update(10, Map.of(GW, clusters("old")));
      try (AdsClient client = AdsClient.loopback(lagging.port())) {
        var call = client.sotw();
        long start = System.nanoTime();
        call.send(request(node, CDS, "", ""));
        call.assertEndsWith(Status.Code.UNAVAILABLE, "did not catch up");
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(250).toNanos());
        var delta = client.delta();
        delta.send(Fixtures.deltaSubscribe(node, CDS));
        delta.assertEndsWith(Status.Code.UNAVAILABLE, "did not catch up");
        assertEquals(0, lagging.stats().gateway(GW).connectedStreams());
        assertEquals(2, lagging.stats().notCaughtUp());
      }
    }
  }

  @Test
  void aBarrierThatFailsOrNeverAnswersEndsTheStreamWithUnavailable() throws Exception {
    XdsSettings settings = XdsSettings.plaintext("127.0.0.1", 0, "node3").withBarrierTimeout(Duration.ofMillis(300));
    ReadBarrier failing = () -> CompletableFuture.failedFuture(new IllegalStateException("no quorum"));
    try (XdsServer server = new XdsServer(settings, failing)) {
      server.start();
      server.update(1, Map.of());
      try (AdsClient client = AdsClient.loopback(server.port())) {
        var call = client.sotw();
        call.send(request(node, CDS, "", ""));
        call.assertEndsWith(Status.Code.UNAVAILABLE, "no quorum");
      }
    }
    ReadBarrier throwing = () -> { throw new IllegalStateException("closed"); };
    ReadBarrier silent = CompletableFuture::new;
    for (ReadBarrier barrier : List.of(throwing, silent)) {
      try (XdsServer server = new XdsServer(settings, barrier)) {
        server.start();
        server.update(1, Map.of());
        try (AdsClient client = AdsClient.loopback(server.port())) {
          var call = client.sotw();
          call.send(request(node, CDS, "", ""));
          call.assertEndsWith(Status.Code.UNAVAILABLE, "try another node");
        }
      }
    }
  }

  @Test
  void theBarrierIsAskedOncePerStreamAndTheStreamThenMovesOnlyForward() throws Exception {
    TestBarrier barrier = new TestBarrier(1);
    try (XdsServer server = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node1"), barrier)) {
      server.start();
      server.update(1, Map.of(GW, clusters("c1")));
      try (AdsClient client = AdsClient.loopback(server.port())) {
        var call = client.sotw();
        DiscoveryResponse first = SotwAdsTest.subscribe(call, node, CDS);
        for (int r = 2; r <= 5; r++) {
          server.update(r, Map.of(GW, clusters("c" + r)));
          DiscoveryResponse next = call.next();
          assertEquals("c" + r, next.getResources(0).unpack(Cluster.class).getName());
          call.send(request(node, CDS, next.getVersionInfo(), next.getNonce()));
        }
        assertEquals(1, barrier.calls.get());
        assertTrue(first.getResourcesCount() == 1);
      }
      try {
        server.update(3, Map.of());
        throw new AssertionError("an older revision was accepted");
      } catch (IllegalArgumentException expected) {
        assertEquals(5, server.stats().publishedRevision());
      }
    }
  }
}
