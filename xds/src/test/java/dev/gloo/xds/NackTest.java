package dev.gloo.xds;

import static dev.gloo.xds.Fixtures.CDS;
import static dev.gloo.xds.Fixtures.RDS;
import static dev.gloo.xds.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rejected response is not sent again in a loop: the stream stays quiet until the content
 * changes, and the rejection is counted and shown in stats.
 */
class NackTest {

  static final String GW = "default/gw";
  static final Duration ONE_SECOND = Duration.ofSeconds(1);

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

  static DiscoveryRequest nack(Node node, String type, String acceptedVersion, String nonce, String detail, String... names) {
    return request(node, type, acceptedVersion, nonce, names).toBuilder()
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage(detail))
        .build();
  }

  @Test
  void aStateOfTheWorldNackIsNotAnsweredWithTheSameVersionAgain() throws Exception {
    var call = client.sotw();
    call.send(request(node, RDS, "", "", "http"));
    DiscoveryResponse first = call.next();
    call.send(request(node, RDS, first.getVersionInfo(), first.getNonce(), "http"));

    server.update(2, Map.of(GW, Fixtures.gateway("bad")));
    DiscoveryResponse rejected = call.next();
    call.send(nack(node, RDS, first.getVersionInfo(), rejected.getNonce(), "route: unknown cluster", "http"));
    assertEquals(0, call.countFor(ONE_SECOND), "responses within a second after a NACK");

    XdsStats.GatewayStats stats = server.stats().gateway(GW);
    assertEquals(1, stats.nacks());
    assertEquals("route: unknown cluster", stats.lastNack().orElseThrow().errorDetail());
    assertEquals(RDS, stats.lastNack().orElseThrow().typeUrl());
    assertEquals(rejected.getVersionInfo(), stats.lastNack().orElseThrow().version());

    // An update that leaves the rejected content as it is still sends nothing.
    server.update(3, Map.of(GW, Fixtures.gateway("bad"), "other/gw", Fixtures.gateway("x")));
    assertEquals(0, call.countFor(Duration.ofMillis(500)));

    // New content is sent.
    server.update(4, Map.of(GW, Fixtures.gateway("good")));
    DiscoveryResponse fixed = call.next();
    assertNotEquals(rejected.getVersionInfo(), fixed.getVersionInfo());
    call.send(request(node, RDS, fixed.getVersionInfo(), fixed.getNonce(), "http"));
    assertEquals(0, call.countFor(Duration.ofMillis(500)));
    assertEquals(1, server.stats().gateway(GW).nacks());
  }

  @Test
  void aNackOfTheFirstResponseStaysQuietToo() throws Exception {
    var call = client.sotw();
    call.send(request(node, CDS, "", ""));
    DiscoveryResponse first = call.next();
    call.send(nack(node, CDS, "", first.getNonce(), "cluster: bad"));
    assertEquals(0, call.countFor(ONE_SECOND));
    assertEquals(1, server.stats().gateway(GW).nacks());
  }

  @Test
  void aDeltaNackIsNotAnsweredWithTheSameResourcesAgain() throws Exception {
    var call = client.delta();
    call.send(Fixtures.deltaSubscribe(node, RDS, "http"));
    DeltaDiscoveryResponse first = call.next();
    call.send(Fixtures.deltaAck(RDS, first.getNonce()));

    server.update(2, Map.of(GW, Fixtures.gateway("bad")));
    DeltaDiscoveryResponse rejected = call.next();
    call.send(DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(RDS)
        .setResponseNonce(rejected.getNonce())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("delta: bad route"))
        .build());
    assertEquals(0, call.countFor(ONE_SECOND));
    assertEquals(1, server.stats().gateway(GW).nacks());
    assertEquals("delta: bad route", server.stats().gateway(GW).lastNack().orElseThrow().errorDetail());

    server.update(3, Map.of(GW, Fixtures.gateway("good")));
    DeltaDiscoveryResponse fixed = call.next();
    assertEquals("http", fixed.getResources(0).getName());
    assertNotEquals(rejected.getResources(0).getVersion(), fixed.getResources(0).getVersion());

    // Once the client ACKs the fixed content, the stream is quiet again.
    call.send(Fixtures.deltaAck(RDS, fixed.getNonce()));
    assertEquals(0, call.countFor(Duration.ofMillis(500)));
  }

  @Test
  void aRejectedDeltaRemovalIsNotSentAgain() throws Exception {
    server.update(2, Map.of(GW, DeltaAdsTest.withSecondCluster("a")));
    var call = client.delta();
    call.send(Fixtures.deltaSubscribe(node, CDS));
    DeltaDiscoveryResponse both = call.next();
    assertEquals(2, both.getResourcesCount());
    call.send(Fixtures.deltaAck(CDS, both.getNonce()));

    server.update(3, Map.of(GW, Fixtures.gateway("a")));
    DeltaDiscoveryResponse removal = call.next();
    assertEquals(java.util.List.of("backend2"), removal.getRemovedResourcesList());
    call.send(DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(CDS)
        .setResponseNonce(removal.getNonce())
        .setErrorDetail(Status.newBuilder().setMessage("still in use"))
        .build());
    assertEquals(0, call.countFor(ONE_SECOND));
    assertEquals(1, server.stats().gateway(GW).nacks());
  }
}
