package dev.gloo.xds;

import static dev.gloo.xds.Fixtures.CDS;
import static dev.gloo.xds.Fixtures.EDS;
import static dev.gloo.xds.Fixtures.LDS;
import static dev.gloo.xds.Fixtures.RDS;
import static dev.gloo.xds.Fixtures.deltaAck;
import static dev.gloo.xds.Fixtures.deltaSubscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Delta ADS over loopback gRPC. */
class DeltaAdsTest {

  static final String GW = "default/gw";
  static final Duration QUIET = Duration.ofMillis(400);

  XdsServer server;
  AdsClient client;
  final Node node = Fixtures.node(GW);

  @BeforeEach
  void start() throws Exception {
    server = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node2"), new TestBarrier(1));
    server.start();
    server.update(1, Map.of(GW, Fixtures.gateway("a")));
    client = AdsClient.loopback(server.port());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  static List<String> names(DeltaDiscoveryResponse response) {
    return response.getResourcesList().stream().map(Resource::getName).toList();
  }

  static EnvoyResources withSecondCluster(String tag) {
    EnvoyResources base = Fixtures.gateway(tag);
    return new EnvoyResources(
        base.listeners(),
        base.routes(),
        List.of(Fixtures.edsCluster("backend"), Fixtures.edsCluster("backend2")),
        List.of(Fixtures.endpoints("backend", 9000), Fixtures.endpoints("backend2", 9002)),
        base.secrets());
  }

  @Test
  void wildcardSubscribeAckAndUpdateSendOnlyTheDifference() throws Exception {
    var call = client.delta();
    call.send(deltaSubscribe(node, CDS));
    DeltaDiscoveryResponse clusters = call.next();
    assertEquals(CDS, clusters.getTypeUrl());
    assertEquals(List.of("backend"), names(clusters));
    assertEquals("node2", clusters.getControlPlane().getIdentifier());
    assertFalse(clusters.getResources(0).getVersion().isEmpty());
    call.send(deltaAck(CDS, clusters.getNonce()));

    call.send(deltaSubscribe(node, EDS, "backend"));
    DeltaDiscoveryResponse endpoints = call.next();
    assertEquals(List.of("backend"), names(endpoints));
    call.send(deltaAck(EDS, endpoints.getNonce()));
    call.expectNothing(QUIET);

    server.update(2, Map.of(GW, withSecondCluster("a")));
    DeltaDiscoveryResponse added = call.next();
    assertEquals(CDS, added.getTypeUrl());
    assertEquals(List.of("backend2"), names(added));
    assertEquals("node2", added.getControlPlane().getIdentifier());
    call.send(deltaAck(CDS, added.getNonce()));
    // EDS is not wildcard here: backend2's endpoints come once the client subscribes.
    call.expectNothing(QUIET);
    call.send(deltaSubscribe(node, EDS, "backend2"));
    assertEquals(List.of("backend2"), names(call.next()));

    server.update(3, Map.of(GW, Fixtures.gateway("a")));
    DeltaDiscoveryResponse removed = call.next();
    assertEquals(CDS, removed.getTypeUrl());
    assertEquals(List.of(), names(removed));
    assertEquals(List.of("backend2"), removed.getRemovedResourcesList());
  }

  @Test
  void endpointsOfAnUpdateWaitForItsClustersWhenTheClientHasNotAckedTheLastClusters() throws Exception {
    var call = client.delta();
    call.send(deltaSubscribe(node, CDS));
    DeltaDiscoveryResponse clusters = call.next();
    assertEquals(CDS, clusters.getTypeUrl());
    // The clusters are not ACKed yet; the endpoints are subscribed and ACKed.
    call.send(deltaSubscribe(node, EDS, "backend"));
    DeltaDiscoveryResponse endpoints = call.next();
    assertEquals(EDS, endpoints.getTypeUrl());
    call.send(deltaAck(EDS, endpoints.getNonce()));
    call.expectNothing(QUIET);

    server.update(2, Map.of(GW, Fixtures.gatewayWithNewClusterAndEndpoints("a")));
    // New endpoints must not arrive before the clusters of the same update.
    call.expectNothing(QUIET);

    call.send(deltaAck(CDS, clusters.getNonce()));
    DeltaDiscoveryResponse newClusters = call.next();
    assertEquals(CDS, newClusters.getTypeUrl());
    assertEquals(List.of("backend"), names(newClusters));
    DeltaDiscoveryResponse newEndpoints = call.next();
    assertEquals(EDS, newEndpoints.getTypeUrl());
    assertEquals(List.of("backend"), names(newEndpoints));
  }

  @Test
  void aFreshClientOfAnEmptyGatewayGetsAnEmptyFirstAnswer() throws Exception {
    var call = client.delta();
    call.send(deltaSubscribe(Fixtures.node("default/nothing-here"), LDS));
    DeltaDiscoveryResponse listeners = call.next();
    assertEquals(0, listeners.getResourcesCount());
    call.send(deltaAck(LDS, listeners.getNonce()));
    call.expectNothing(QUIET);
  }

  @Test
  void unchangedContentWakesNothing() throws Exception {
    var call = client.delta();
    call.send(deltaSubscribe(node, CDS));
    call.send(deltaAck(CDS, call.next().getNonce()));
    call.send(deltaSubscribe(node, RDS, "http"));
    call.send(deltaAck(RDS, call.next().getNonce()));
    server.update(2, Map.of(GW, Fixtures.gateway("a")));
    call.expectNothing(QUIET);
    server.update(3, Map.of(GW, Fixtures.gateway("b")));
    DeltaDiscoveryResponse routes = call.next();
    assertEquals(RDS, routes.getTypeUrl());
    assertEquals(List.of("http"), names(routes));
  }

  @Test
  void unsubscribingStopsUpdatesOfThatName() throws Exception {
    var call = client.delta();
    call.send(deltaSubscribe(node, RDS, "http"));
    call.send(deltaAck(RDS, call.next().getNonce()));
    call.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(RDS).addResourceNamesUnsubscribe("http").build());
    // A request that is answered proves the unsubscribe before it was handled.
    call.send(deltaSubscribe(node, CDS));
    assertEquals(CDS, call.next().getTypeUrl());
    server.update(2, Map.of(GW, Fixtures.gateway("b")));
    call.expectNothing(QUIET);
  }

  @Test
  void aSubscriptionChangeWithoutNonceIsHonouredWhileAResponseIsUnacknowledged() throws Exception {
    var call = client.delta();
    call.send(deltaSubscribe(node, EDS, "nothing"));
    DeltaDiscoveryResponse empty = call.next();
    assertEquals(0, empty.getResourcesCount());
    call.send(deltaSubscribe(node, EDS, "backend"));
    call.expectNothing(QUIET);
    call.send(deltaAck(EDS, empty.getNonce()));
    assertEquals(List.of("backend"), names(call.next()));
  }

  @Test
  void aReconnectingClientIsToldWhatNoLongerExistsAndGetsWhatChanged() throws Exception {
    var call = client.delta();
    call.send(deltaSubscribe(node, CDS).toBuilder()
        .putInitialResourceVersions("backend", "some-older-version")
        .putInitialResourceVersions("deleted-meanwhile", "v1")
        .build());
    DeltaDiscoveryResponse response = call.next();
    assertEquals(List.of("backend"), names(response));
    assertEquals(List.of("deleted-meanwhile"), response.getRemovedResourcesList());
  }

  @Test
  void anExplicitWildcardSubscribesToEveryResourceOfANonWildcardType() throws Exception {
    server.update(2, Map.of(GW, withSecondCluster("a")));
    var call = client.delta();
    call.send(deltaSubscribe(node, EDS, "*"));
    assertEquals(List.of("backend", "backend2"), names(call.next()));
  }
}
