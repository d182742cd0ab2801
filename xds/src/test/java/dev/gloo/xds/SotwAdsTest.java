package dev.gloo.xds;

import static dev.gloo.xds.Fixtures.CDS;
import static dev.gloo.xds.Fixtures.EDS;
import static dev.gloo.xds.Fixtures.LDS;
import static dev.gloo.xds.Fixtures.RDS;
import static dev.gloo.xds.Fixtures.SDS;
import static dev.gloo.xds.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** State-of-the-world ADS over loopback gRPC. */
class SotwAdsTest {

  static final String GW = "default/gw";
  static final Duration QUIET = Duration.ofMillis(400);

  XdsServer server;
  AdsClient client;
  final Node node = Fixtures.node(GW);

  @BeforeEach
  void start() throws Exception {
    server = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node1"), new TestBarrier(1));
    server.start();
    server.update(1, Map.of(GW, Fixtures.gateway("a")));
    client = AdsClient.loopback(server.port());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  /** Sends a request and ACKs the response; returns the response. */
  static DiscoveryResponse subscribe(
      AdsClient.Call<DiscoveryRequest, DiscoveryResponse> call, Node node, String type, String... names)
      throws InterruptedException {
    call.send(request(node, type, "", "", names));
    DiscoveryResponse response = call.next();
    assertEquals(type, response.getTypeUrl());
    call.send(request(node, type, response.getVersionInfo(), response.getNonce(), names));
    return response;
  }

  static List<DiscoveryResponse> subscribeAll(AdsClient.Call<DiscoveryRequest, DiscoveryResponse> call, Node node)
      throws InterruptedException {
    List<DiscoveryResponse> all = new ArrayList<>();
    all.add(subscribe(call, node, CDS));
    all.add(subscribe(call, node, EDS, "backend"));
    all.add(subscribe(call, node, LDS));
    all.add(subscribe(call, node, RDS, "http"));
    all.add(subscribe(call, node, SDS, "tls"));
    return all;
  }

  @Test
  void subscribeAckAndUpdateSendsOnlyTheChangedType() throws Exception {
    var call = client.sotw();
    List<DiscoveryResponse> first = subscribeAll(call, node);
    assertEquals(List.of(1, 1, 2, 1, 1), first.stream().map(DiscoveryResponse::getResourcesCount).toList());
    assertEquals("backend", first.get(0).getResources(0).unpack(Cluster.class).getName());
    assertEquals("backend", first.get(1).getResources(0).unpack(ClusterLoadAssignment.class).getClusterName());
    for (DiscoveryResponse response : first) {
      assertEquals("node1", response.getControlPlane().getIdentifier());
      assertFalse(response.getVersionInfo().isEmpty());
    }
    call.expectNothing(QUIET);

    server.update(2, Map.of(GW, Fixtures.gateway("b")));
    DiscoveryResponse routes = call.next();
    assertEquals(RDS, routes.getTypeUrl());
    assertNotEquals(first.get(3).getVersionInfo(), routes.getVersionInfo());
    assertEquals("node1", routes.getControlPlane().getIdentifier());
    RouteConfiguration table = routes.getResources(0).unpack(RouteConfiguration.class);
    assertEquals("b", table.getVirtualHosts(0).getRoutes(0).getResponseHeadersToAdd(0).getHeader().getValue());
    call.send(request(node, RDS, routes.getVersionInfo(), routes.getNonce(), "http"));
    call.expectNothing(QUIET);
  }

  @Test
  void anUpdateWithUnchangedContentWakesNothing() throws Exception {
    var call = client.sotw();
    subscribeAll(call, node);
    server.update(2, Map.of(GW, Fixtures.gateway("a")));
    server.update(3, Map.of(GW, Fixtures.gateway("a"), "other/gw", Fixtures.gateway("x")));
    call.expectNothing(Duration.ofMillis(600));
    assertEquals(3, server.stats().publishedRevision());
  }

  @Test
  void oneUpdateTouchingEveryTypeArrivesClustersEndpointsListenersRoutesSecrets() throws Exception {
    var call = client.sotw();
    // Subscribe in the reverse order, so arrival order is the server's choice.
    subscribe(call, node, SDS, "tls");
    subscribe(call, node, RDS, "http");
    subscribe(call, node, LDS);
    subscribe(call, node, EDS, "backend");
    subscribe(call, node, CDS);
    EnvoyResources changed =
        new EnvoyResources(
            List.of(Fixtures.listener("http", 8081, "http", null), Fixtures.listener("https", 8443, "http", "tls")),
            List.of(Fixtures.routes("http", "backend", "z")),
            List.of(Fixtures.edsCluster("backend").toBuilder().setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(2)).build()),
            List.of(Fixtures.endpoints("backend", 9001)),
            List.of(Fixtures.secret("tls").toBuilder().setTlsCertificate(Fixtures.secret("x").getTlsCertificate().toBuilder().setPassword(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder().setInlineString("p"))).build()));
    server.update(2, Map.of(GW, changed));
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      order.add(call.next().getTypeUrl());
    }
    assertEquals(List.of(CDS, EDS, LDS, RDS, SDS), order);
  }

  @Test
  void endpointsOfAnUpdateWaitForItsClustersWhenTheClientHasNotAckedTheLastClusters() throws Exception {
    var call = client.sotw();
    call.send(request(node, CDS, "", ""));
    DiscoveryResponse clusters = call.next();
    assertEquals(CDS, clusters.getTypeUrl());
    // The clusters are not ACKed yet; the endpoints are subscribed and ACKed.
    DiscoveryResponse endpoints = subscribe(call, node, EDS, "backend");
    call.expectNothing(QUIET);

    server.update(2, Map.of(GW, Fixtures.gatewayWithNewClusterAndEndpoints("a")));
    // New endpoints must not arrive before the clusters of the same update.
    call.expectNothing(QUIET);

    call.send(request(node, CDS, clusters.getVersionInfo(), clusters.getNonce()));
    DiscoveryResponse newClusters = call.next();
    assertEquals(CDS, newClusters.getTypeUrl());
    assertEquals(7, newClusters.getResources(0).unpack(Cluster.class).getConnectTimeout().getSeconds());
    DiscoveryResponse newEndpoints = call.next();
    assertEquals(EDS, newEndpoints.getTypeUrl());
    assertNotEquals(endpoints.getVersionInfo(), newEndpoints.getVersionInfo());
    assertEquals(9002, newEndpoints.getResources(0).unpack(ClusterLoadAssignment.class)
        .getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue());
  }

  @Test
  void nonWildcardTypesCarryOnlyTheRequestedNamesThatExist() throws Exception {
    var call = client.sotw();
    call.send(request(node, EDS, "", "", "missing", "backend"));
    DiscoveryResponse endpoints = call.next();
    assertEquals(1, endpoints.getResourcesCount());
    call.send(request(node, RDS, "", "", "no-such-table"));
    assertEquals(0, call.next().getResourcesCount());
    // Listeners and clusters asked for by name (as grpc-xds does) are not wildcards either.
    call.send(request(node, LDS, "", "", "https"));
    DiscoveryResponse listeners = call.next();
    assertEquals(1, listeners.getResourcesCount());
  }

  @Test
  void askingForOtherNamesResendsTheSameVersionWithThoseNames() throws Exception {
    var call = client.sotw();
    DiscoveryResponse first = subscribe(call, node, LDS, "http");
    call.expectNothing(QUIET);
    call.send(request(node, LDS, first.getVersionInfo(), first.getNonce(), "http", "https"));
    DiscoveryResponse second = call.next();
    assertEquals(first.getVersionInfo(), second.getVersionInfo());
    assertEquals(2, second.getResourcesCount());
  }

  @Test
  void aGatewayThatDoesNotExistYetGetsEmptyResourcesThenItsConfig() throws Exception {
    Node later = Fixtures.node("default/later");
    var call = client.sotw();
    DiscoveryResponse empty = subscribe(call, later, CDS);
    assertEquals(0, empty.getResourcesCount());
    call.expectNothing(QUIET);
    server.update(2, Map.of(GW, Fixtures.gateway("a"), "default/later", Fixtures.gateway("l")));
    DiscoveryResponse clusters = call.next();
    assertEquals(1, clusters.getResourcesCount());
    assertNotEquals(empty.getVersionInfo(), clusters.getVersionInfo());
  }

  @Test
  void aGatewayRemovedFromTheStateGetsEmptyResources() throws Exception {
    var call = client.sotw();
    subscribe(call, node, CDS);
    server.update(2, Map.of());
    assertEquals(0, call.next().getResourcesCount());
  }

  @Test
  void aStaleOrUnknownNonceIsIgnored() throws Exception {
    var call = client.sotw();
    DiscoveryResponse clusters = subscribe(call, node, CDS);
    call.send(request(node, CDS, clusters.getVersionInfo(), "not-a-nonce-we-sent"));
    call.send(request(node, CDS, "", "0"));
    call.expectNothing(QUIET);
    assertFalse(call.ended());
  }

  @Test
  void onlyTheNamedGatewaysResourcesAreServed() throws Exception {
    server.update(2, Map.of(GW, Fixtures.gateway("a"), "team/other", new EnvoyResources(
        List.of(), List.of(), List.of(Fixtures.edsCluster("theirs")), List.of(), List.of())));
    var call = client.sotw();
    DiscoveryResponse clusters = subscribe(call, node, CDS);
    assertEquals(List.of("backend"), clusters.getResourcesList().stream()
        .map(a -> { try { return a.unpack(Cluster.class).getName(); } catch (Exception e) { throw new AssertionError(e); } })
        .toList());
  }

  @Test
  void statsCountConnectedStreamsPerGateway() throws Exception {
    var one = client.sotw();
    var two = client.delta();
    subscribe(one, node, CDS);
    two.send(Fixtures.deltaSubscribe(node, CDS));
    two.next();
    assertEquals(2, server.stats().gateway(GW).connectedStreams());
    one.cancel();
    two.cancel();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.stats().gateway(GW).connectedStreams() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, server.stats().gateway(GW).connectedStreams());
  }

  @Test
  void anExplicitWildcardNameAsksForEveryResource() throws Exception {
    var call = client.sotw();
    call.send(request(node, SDS, "", "", "*"));
    assertEquals(1, call.next().getResourcesCount());
    call.send(request(node, LDS, "", "", "*", "http"));
    assertEquals(2, call.next().getResourcesCount());
  }
}
