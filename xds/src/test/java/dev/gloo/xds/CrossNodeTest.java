package dev.gloo.xds;

import static dev.gloo.xds.Fixtures.CDS;
import static dev.gloo.xds.Fixtures.EDS;
import static dev.gloo.xds.Fixtures.LDS;
import static dev.gloo.xds.Fixtures.RDS;
import static dev.gloo.xds.Fixtures.SDS;
import static dev.gloo.xds.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes given the same state serve the same bytes under the same versions, so an Envoy
 * that moves from one to the other is sent nothing new.
 */
class CrossNodeTest {

  static final String GW = "default/gw";
  static final Duration QUIET = Duration.ofMillis(500);

  XdsServer a;
  XdsServer b;
  AdsClient toA;
  AdsClient toB;
  final Node node = Fixtures.node(GW);

  @BeforeEach
  void start() throws Exception {
    a = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node1"), new TestBarrier(7));
    b = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node2"), new TestBarrier(7));
    a.start();
    b.start();
    a.update(7, Map.of(GW, Fixtures.gateway("a")));
    // Node b built the same content in another map order and at another revision.
    b.update(9, new java.util.TreeMap<>(Map.of(GW, Fixtures.gateway("a"), "zz/other", Fixtures.gateway("z"))));
    toA = AdsClient.loopback(a.port());
    toB = AdsClient.loopback(b.port());
  }

  @AfterEach
  void stop() throws Exception {
    toA.close();
    toB.close();
    a.close();
    b.close();
  }

  @Test
  void bothNodesAnswerByteIdenticalResourcesWithIdenticalVersions() throws Exception {
    var fromA = toA.sotw();
    var fromB = toB.sotw();
    String[][] subscriptions = {{CDS}, {EDS, "backend"}, {LDS}, {RDS, "http"}, {SDS, "tls"}};
    for (String[] s : subscriptions) {
      String[] names = java.util.Arrays.copyOfRange(s, 1, s.length);
      fromA.send(request(node, s[0], "", "", names));
      fromB.send(request(node, s[0], "", "", names));
      DiscoveryResponse ra = fromA.next();
      DiscoveryResponse rb = fromB.next();
      assertEquals(ra.getVersionInfo(), rb.getVersionInfo(), s[0]);
      assertEquals(ra.getResourcesList(), rb.getResourcesList(), s[0]);
      for (int i = 0; i < ra.getResourcesCount(); i++) {
        assertEquals(ra.getResources(i).toByteString(), rb.getResources(i).toByteString());
      }
      assertEquals("node1", ra.getControlPlane().getIdentifier());
      assertEquals("node2", rb.getControlPlane().getIdentifier());
    }
    var deltaA = toA.delta();
    var deltaB = toB.delta();
    deltaA.send(Fixtures.deltaSubscribe(node, LDS));
    deltaB.send(Fixtures.deltaSubscribe(node, LDS));
    DeltaDiscoveryResponse da = deltaA.next();
    DeltaDiscoveryResponse db = deltaB.next();
    assertEquals(da.getSystemVersionInfo(), db.getSystemVersionInfo());
    assertEquals(da.getResourcesList(), db.getResourcesList());
  }

  @Test
  void aStateOfTheWorldClientMovingToAnotherNodeWithTheSameContentGetsNothingNew() throws Exception {
    var fromA = toA.sotw();
    DiscoveryResponse clusters = SotwAdsTest.subscribe(fromA, node, CDS);
    DiscoveryResponse routes = SotwAdsTest.subscribe(fromA, node, RDS, "http");
    fromA.cancel();

    var fromB = toB.sotw();
    // What Envoy sends on a new stream: the versions it holds, no nonce.
    fromB.send(request(node, CDS, clusters.getVersionInfo(), ""));
    fromB.send(request(node, RDS, routes.getVersionInfo(), "", "http"));
    fromB.expectNothing(QUIET);

    // And it moves on with b when the content changes.
    b.update(10, Map.of(GW, Fixtures.gateway("b")));
    DiscoveryResponse newer = fromB.next();
    assertEquals(RDS, newer.getTypeUrl());
    assertNotEquals(routes.getVersionInfo(), newer.getVersionInfo());
    fromB.expectNothing(QUIET);
  }

  @Test
  void aDeltaClientMovingToAnotherNodeWithTheSameContentGetsNothingNew() throws Exception {
    var fromA = toA.delta();
    fromA.send(Fixtures.deltaSubscribe(node, CDS));
    DeltaDiscoveryResponse clusters = fromA.next();
    fromA.send(Fixtures.deltaAck(CDS, clusters.getNonce()));
    fromA.cancel();

    var fromB = toB.delta();
    DeltaDiscoveryRequest.Builder resume = Fixtures.deltaSubscribe(node, CDS).toBuilder();
    for (Resource r : clusters.getResourcesList()) {
      resume.putInitialResourceVersions(r.getName(), r.getVersion());
    }
    fromB.send(resume.build());
    fromB.expectNothing(QUIET);

    b.update(10, Map.of(GW, DeltaAdsTest.withSecondCluster("a")));
    assertEquals(List.of("backend2"), DeltaAdsTest.names(fromB.next()));
  }

  @Test
  void aClientHoldingOlderContentIsBroughtUpToDate() throws Exception {
    a.update(8, Map.of(GW, Fixtures.gateway("old")));
    var fromA = toA.sotw();
    DiscoveryResponse old = SotwAdsTest.subscribe(fromA, node, RDS, "http");
    fromA.cancel();
    var fromB = toB.sotw();
    fromB.send(request(node, RDS, old.getVersionInfo(), "", "http"));
    DiscoveryResponse current = fromB.next();
    assertNotEquals(old.getVersionInfo(), current.getVersionInfo());
  }
}
