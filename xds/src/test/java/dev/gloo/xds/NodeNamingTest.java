package dev.gloo.xds;

import static dev.gloo.xds.Fixtures.CDS;
import static dev.gloo.xds.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How an Envoy names its Gateway, and what a node that names none gets. */
class NodeNamingTest {

  XdsServer server;
  AdsClient client;

  @BeforeEach
  void start() throws Exception {
    server = new XdsServer(XdsSettings.plaintext("127.0.0.1", 0, "node1"), new TestBarrier(1));
    server.start();
    server.update(1, Map.of(
        "default/gw", new EnvoyResources(List.of(), List.of(), List.of(Fixtures.edsCluster("from-metadata")), List.of(), List.of()),
        "edge/by-cluster", new EnvoyResources(List.of(), List.of(), List.of(Fixtures.edsCluster("from-cluster")), List.of(), List.of())));
    client = AdsClient.loopback(server.port());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  static Node withMetadata(Value value) {
    return Node.newBuilder().setId("e").setCluster("edge/by-cluster")
        .setMetadata(Struct.newBuilder().putFields("gloo.solo.io/gateway", value)).build();
  }

  String firstCluster(Node node) throws Exception {
    var call = client.sotw();
    call.send(request(node, CDS, "", ""));
    DiscoveryResponse response = call.next();
    return response.getResources(0).unpack(Cluster.class).getName();
  }

  @Test
  void metadataWinsOverNodeCluster() throws Exception {
    assertEquals("from-metadata", firstCluster(withMetadata(Value.newBuilder().setStringValue("default/gw").build())));
  }

  @Test
  void nodeClusterNamesTheGatewayWhenMetadataIsAbsent() throws Exception {
    assertEquals("from-cluster", firstCluster(Node.newBuilder().setId("e").setCluster("edge/by-cluster").build()));
  }

  @Test
  void onlyTheFirstRequestNeedsTheNode() throws Exception {
    var call = client.sotw();
    DiscoveryResponse first = SotwAdsTest.subscribe(call, Fixtures.node("default/gw"), CDS);
    call.send(request(Node.getDefaultInstance(), Fixtures.LDS, "", ""));
    assertEquals(Fixtures.LDS, call.next().getTypeUrl());
    assertEquals(1, first.getResourcesCount());
  }

  @Test
  void aNodeNamingNoGatewayGetsInvalidArgument() throws Exception {
    var call = client.sotw();
    call.send(request(Node.newBuilder().setId("e").build(), CDS, "", ""));
    call.assertEndsWith(Status.Code.INVALID_ARGUMENT, "names no Gateway");
    var delta = client.delta();
    delta.send(Fixtures.deltaSubscribe(Node.getDefaultInstance(), CDS));
    delta.assertEndsWith(Status.Code.INVALID_ARGUMENT, "names no Gateway");
  }

  @Test
  void metadataThatIsNotAStringGetsInvalidArgument() throws Exception {
    var call = client.sotw();
    call.send(request(withMetadata(Value.newBuilder().setNumberValue(3).build()), CDS, "", ""));
    call.assertEndsWith(Status.Code.INVALID_ARGUMENT, "must be a string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gw", "/gw", "default/", "a/b/c", "Default/gw", "default/GW", "default/gw_1",
      "-x/gw", "default/-gw", "default/gw.", "a\u0000/gw", " default/gw", "default/g w"})
  void malformedGatewayNamesGetInvalidArgument(String name) throws Exception {
    var call = client.sotw();
    call.send(request(Node.newBuilder().setCluster(name).build(), CDS, "", ""));
    call.assertEndsWith(Status.Code.INVALID_ARGUMENT, "node.cluster");
    assertEquals(0, server.stats().gateways().size());
    assertEquals(1, server.stats().refused());
  }

  @Test
  void longButValidNamesAreAccepted() throws Exception {
    String name = "n".repeat(63) + "/" + "a".repeat(100) + "." + "b".repeat(100);
    var call = client.sotw();
    call.send(request(Node.newBuilder().setCluster(name).build(), CDS, "", ""));
    assertEquals(0, call.next().getResourcesCount());
  }
}
