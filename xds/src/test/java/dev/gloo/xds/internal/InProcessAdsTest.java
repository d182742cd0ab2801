package dev.gloo.xds.internal;

import static dev.gloo.xds.Fixtures.CDS;
import static dev.gloo.xds.Fixtures.EDS;
import static dev.gloo.xds.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gloo.xds.AdsClient;
import dev.gloo.xds.Fixtures;
import dev.gloo.xds.TestBarrier;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ADS service and snapshot hub without sockets: grpc's in-process transport. */
class InProcessAdsTest {

  static final String GW = "default/gw";
  final Node node = Fixtures.node(GW);
  final SnapshotHub hub = new SnapshotHub();
  final GatewayCounters counters = new GatewayCounters();
  ExecutorService executor;
  Server server;
  AdsClient client;

  @BeforeEach
  void start() throws Exception {
    executor = Executors.newFixedThreadPool(2);
    StreamContext context = new StreamContext(hub, new TestBarrier(3), Duration.ofSeconds(2),
        ControlPlane.newBuilder().setIdentifier("in-process").build(), counters, executor, new AtomicLong());
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new AdsService(context).definition()).build().start();
    client = AdsClient.over(InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.shutdownNow();
    executor.shutdownNow();
  }

  @Test
  void stateOfTheWorldAndDeltaAnswerFromTheHub() throws Exception {
    var sotw = client.sotw();
    var delta = client.delta();
    sotw.send(request(node, CDS, "", ""));
    delta.send(Fixtures.deltaSubscribe(node, EDS, "backend"));
    hub.publish(2, Map.of(GW, Fixtures.gateway("a")));
    sotw.expectNothing(Duration.ofMillis(200)); // revision 2 < the barrier's 3
    hub.publish(3, Map.of(GW, Fixtures.gateway("a")));
    DiscoveryResponse clusters = sotw.next();
    DeltaDiscoveryResponse endpoints = delta.next();
    assertEquals(1, clusters.getResourcesCount());
    assertEquals("in-process", clusters.getControlPlane().getIdentifier());
    assertEquals(List.of("backend"), endpoints.getResourcesList().stream().map(r -> r.getName()).toList());
    assertEquals(2, counters.snapshot(3).gateway(GW).connectedStreams());
  }

  @Test
  void publishingUnchangedContentNotifiesNoSubscriber() {
    AtomicLong wakes = new AtomicLong();
    hub.subscribe(GW, wakes::incrementAndGet);
    hub.publish(1, Map.of(GW, Fixtures.gateway("a")));
    hub.publish(2, Map.of(GW, Fixtures.gateway("a"), "x/y", Fixtures.gateway("b")));
    hub.publish(3, Map.of(GW, Fixtures.gateway("a")));
    assertEquals(1, wakes.get());
    hub.publish(4, Map.of(GW, Fixtures.gateway("c")));
    assertEquals(2, wakes.get());
  }
}
