package dev.gloo.translator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.translator.envoy.EnvoyYaml;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.ObjectRef;
import dev.gloo.translator.plugins.ExtAuthPlugin;
import dev.gloo.translator.plugins.RateLimitPlugin;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The product walkthrough: an HTTP Gateway on 8080 routing to the httpbin Upstream, then basic
 * auth through a RouteOption, then a 1-per-minute rate limit, then an HTTPS listener on 8443.
 * Each step is checked by assertions and by a golden file of the Envoy resources.
 */
class SeedWalkthroughTest {
  private static final NsName GATEWAY = new NsName("gloo-system", "http-gateway");
  private final Translator translator = new Translator(TranslatorSettings.defaults());

  @Test
  void httpGatewayRoutesToTheUpstreamAndReportsAcceptedEverywhere() throws Exception {
    TranslationResult r = Fixtures.checked(translator.translate(Fixtures.seed("01-gateway.yaml")));
    GatewayResources g = r.gateways().get(GATEWAY);
    assertEquals(List.of("listener~8080"), g.listeners().stream().map(l -> l.getName()).toList());
    VirtualHost vh = g.routes().get(0).getVirtualHosts(0);
    assertEquals(List.of("api.example.com"), vh.getDomainsList());
    assertEquals("upstream_gloo-system_httpbin", vh.getRoutes(0).getRoute().getCluster());
    Cluster c = g.clusters().get(0);
    assertEquals(Cluster.DiscoveryType.STRICT_DNS, c.getType(), "a DNS name is resolved by Envoy");

    JsonNode gw = r.statuses().get(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, "gloo-system", "http-gateway"));
    assertEquals("True", condition(gw.path("conditions"), "Accepted").path("status").asText());
    assertEquals("True", condition(gw.path("conditions"), "Programmed").path("status").asText());
    assertEquals(1, gw.path("listeners").get(0).path("attachedRoutes").asInt());
    JsonNode route = r.statuses().get(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.HTTP_ROUTE, "gloo-system", "httpbin"));
    JsonNode parent = route.path("parents").get(0);
    assertEquals("solo.io/gloo-gateway", parent.path("controllerName").asText());
    assertEquals("True", condition(parent.path("conditions"), "Accepted").path("status").asText());
    assertEquals("True", condition(parent.path("conditions"), "ResolvedRefs").path("status").asText());
    JsonNode upstream = r.statuses().get(new ObjectRef(Kinds.GLOO_GROUP, Kinds.UPSTREAM, "gloo-system", "httpbin"));
    assertEquals("Accepted", upstream.path("statuses").path("gloo-system").path("state").asText());
    JsonNode gc = r.statuses().get(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.GATEWAY_CLASS, "", "gloo-gateway"));
    assertEquals("True", condition(gc.path("conditions"), "Accepted").path("status").asText());
    golden("01-http", g);
  }

  @Test
  void basicAuthRouteOptionSendsTheRouteThroughExtAuthWithItsConfigId() throws Exception {
    TranslationResult r = Fixtures.checked(translator.translate(Fixtures.seed("01-gateway.yaml", "02-extauth.yaml")));
    GatewayResources g = r.gateways().get(GATEWAY);
    HttpConnectionManager hcm = Envoys.hcm(g.listeners().get(0));
    assertEquals(List.of(ExtAuthPlugin.FILTER, "envoy.filters.http.router"),
        hcm.getHttpFiltersList().stream().map(f -> f.getName()).toList());
    Route route = g.routes().get(0).getVirtualHosts(0).getRoutes(0);
    ExtAuthzPerRoute perRoute = route.getTypedPerFilterConfigOrThrow(ExtAuthPlugin.FILTER).unpack(ExtAuthzPerRoute.class);
    assertEquals("gloo-system.basic-auth", perRoute.getCheckSettings().getContextExtensionsOrThrow("config_id"));
    assertTrue(g.clusters().stream().anyMatch(c -> c.getName().equals("upstream_gloo-system_extauth")
        && c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().hasPipe()),
        "the extauth cluster reaches the service over its Unix socket");
    JsonNode option = r.statuses().get(new ObjectRef(Kinds.GLOO_GATEWAY_GROUP, Kinds.ROUTE_OPTION, "gloo-system", "httpbin-auth"));
    assertEquals("Accepted", option.path("statuses").path("gloo-system").path("state").asText());
    golden("02-extauth", g);
  }

  @Test
  void rateLimitConfigBecomesRouteRateLimitsThatNameTheConfigFirst() throws Exception {
    TranslationResult r = Fixtures.checked(translator.translate(Fixtures.seed("01-gateway.yaml", "02-extauth.yaml", "03-ratelimit.yaml")));
    GatewayResources g = r.gateways().get(GATEWAY);
    HttpConnectionManager hcm = Envoys.hcm(g.listeners().get(0));
    assertEquals(List.of(ExtAuthPlugin.FILTER, RateLimitPlugin.FILTER, "envoy.filters.http.router"),
        hcm.getHttpFiltersList().stream().map(f -> f.getName()).toList());
    RateLimit rl = g.routes().get(0).getVirtualHosts(0).getRoutes(0).getRoute().getRateLimits(0);
    assertEquals(RateLimitPlugin.CONFIG_KEY, rl.getActions(0).getGenericKey().getDescriptorKey());
    assertEquals("gloo-system.ratelimit-config", rl.getActions(0).getGenericKey().getDescriptorValue());
    assertEquals("counter", rl.getActions(1).getGenericKey().getDescriptorValue());
    golden("03-ratelimit", g);
  }

  @Test
  void httpsListenerServesTheTlsSecretOverSdsWithSni() throws Exception {
    TranslationResult r = Fixtures.checked(translator.translate(Fixtures.seed("01-gateway.yaml", "02-extauth.yaml", "03-ratelimit.yaml",
        "04-https.yaml")));
    GatewayResources g = r.gateways().get(GATEWAY);
    assertEquals(List.of("listener~8080", "listener~8443"), g.listeners().stream().map(l -> l.getName()).toList());
    var chain = g.listeners().get(1).getFilterChains(0);
    assertEquals(List.of("api.example.com"), chain.getFilterChainMatch().getServerNamesList());
    assertEquals(List.of("gloo-system/api-tls"), g.secrets().stream().map(s -> s.getName()).toList());
    assertFalse(g.secrets().get(0).getTlsCertificate().getPrivateKey().getInlineBytes().isEmpty());
    JsonNode gw = r.statuses().get(new ObjectRef(Kinds.GATEWAY_GROUP, Kinds.GATEWAY, "gloo-system", "http-gateway"));
    assertEquals(1, gw.path("listeners").get(1).path("attachedRoutes").asInt(),
        "the route (hostname api.example.com) attaches to the HTTPS listener too");
    golden("04-https", g);
  }

  static JsonNode condition(JsonNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    throw new AssertionError("no condition " + type + " in " + conditions);
  }

  /**
   * Compares the resources with {@code src/test/resources/golden/NAME.yaml}. Run with
   * {@code -Dgolden.update=true} to rewrite the files after an intended change, and review the diff.
   */
  static void golden(String name, GatewayResources g) throws IOException {
    String yaml = EnvoyYaml.toYaml(g);
    Path file = Path.of("src/test/resources/golden", name + ".yaml");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, yaml);
    }
    assertEquals(Files.readString(file), yaml, "golden file " + file);
  }
}
