package dev.gloo.glooapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;
import dev.gloo.xds.check.ResourceValidator;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap parses as Envoy's own v3 {@code Bootstrap} (unknown or misspelled fields fail
 * the parse) and satisfies the API's validation rules; no Envoy binary is needed.
 */
class BootstrapTest {
  @Test
  void bootstrapIsAValidEnvoyV3BootstrapWithEveryNodeAsAnEndpoint() throws Exception {
    JsonNode yaml = EnvoyBootstrap.build("infra/gw", "vm-1", List.of(EnvoyBootstrap.Address.parse("10.0.0.1:9977"),
        EnvoyBootstrap.Address.parse("10.0.0.2:9977"), EnvoyBootstrap.Address.parse("control-3.internal:9978")), 19000);
    String text = Printer.yaml(yaml);
    JsonNode reparsed = Printer.YAML.readTree(text);
    Bootstrap.Builder b = Bootstrap.newBuilder();
    JsonFormat.parser().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
        .add(HttpProtocolOptions.getDescriptor()).build()).merge(reparsed.toString(), b);
    Bootstrap bootstrap = b.build();

    assertEquals("vm-1", bootstrap.getNode().getId());
    assertEquals("infra/gw", bootstrap.getNode().getCluster());
    assertEquals("infra/gw", bootstrap.getNode().getMetadata().getFieldsOrThrow("gloo.solo.io/gateway").getStringValue());
    assertEquals("gloo-control", bootstrap.getDynamicResources().getAdsConfig().getGrpcServices(0).getEnvoyGrpc().getClusterName());
    assertTrue(bootstrap.getDynamicResources().getCdsConfig().hasAds());
    assertTrue(bootstrap.getDynamicResources().getLdsConfig().hasAds());
    assertEquals(19000, bootstrap.getAdmin().getAddress().getSocketAddress().getPortValue());
    assertEquals("127.0.0.1", bootstrap.getAdmin().getAddress().getSocketAddress().getAddress());

    Cluster c = bootstrap.getStaticResources().getClusters(0);
    assertEquals("gloo-control", c.getName());
    assertEquals(List.of("10.0.0.1:9977", "10.0.0.2:9977", "control-3.internal:9978"),
        c.getLoadAssignment().getEndpoints(0).getLbEndpointsList().stream()
            .map(e -> e.getEndpoint().getAddress().getSocketAddress())
            .map(a -> a.getAddress() + ":" + a.getPortValue()).toList());
    assertTrue(c.getHealthChecks(0).hasTcpHealthCheck(), "a dead node is found by health checks");
    assertTrue(c.getOutlierDetection().getSplitExternalLocalOriginErrors());
    assertEquals(0.0, c.getCommonLbConfig().getHealthyPanicThreshold().getValue());
    HttpProtocolOptions h2 = c.getTypedExtensionProtocolOptionsOrThrow(
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions").unpack(HttpProtocolOptions.class);
    assertTrue(h2.getExplicitHttpConfig().hasHttp2ProtocolOptions(), "ADS is gRPC: HTTP/2 to the control nodes");

    assertEquals(List.of(), ResourceValidator.checkRules(bootstrap));
  }

  @Test
  void addressesAreCheckedAndIpv6Unbracketed() {
    assertEquals(new EnvoyBootstrap.Address("::1", 9977), EnvoyBootstrap.Address.parse("[::1]:9977"));
    for (String bad : List.of("host", "host:", ":9977", "host:99999", "host:port")) {
      org.junit.jupiter.api.Assertions.assertThrows(CliException.class, () -> EnvoyBootstrap.Address.parse(bad), bad);
    }
  }
}
