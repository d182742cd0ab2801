package dev.gloo.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.gloo.xds.check.ResourceValidator;
import dev.gloo.xds.internal.GatewayNames;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Envoy bootstrap in README.md parses as an Envoy Bootstrap, passes its rules and names a Gateway. */
class ReadmeBootstrapTest {

  @Test
  void theReadmeBootstrapIsAValidEnvoyBootstrap() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("## Pointing a real Envoy at the cluster");
    int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
    String yaml = readme.substring(start, readme.indexOf("```", start));
    String json = new ObjectMapper().writeValueAsString(new ObjectMapper(new YAMLFactory()).readTree(yaml));
    Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
    JsonFormat.parser()
        .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(HttpProtocolOptions.getDescriptor()).build())
        .merge(json, bootstrap);
    assertEquals("[]", ResourceValidator.checkRules(bootstrap.build()).toString());
    assertEquals("default/my-gateway", GatewayNames.gatewayOf(bootstrap.getNode()));
    assertTrue(bootstrap.getDynamicResources().getAdsConfig().getSetNodeOnFirstMessageOnly());
    assertEquals(3, bootstrap.getStaticResources().getClusters(0).getLoadAssignment().getEndpoints(0).getLbEndpointsCount());
  }
}
