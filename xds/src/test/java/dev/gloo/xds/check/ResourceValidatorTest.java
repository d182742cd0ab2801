package dev.gloo.xds.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.gloo.xds.EnvoyResources;
import dev.gloo.xds.Fixtures;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Deliberately broken resources, one rule at a time, and the violations they produce. */
class ResourceValidatorTest {

  static final EnvoyResources GOOD = Fixtures.gateway("a");

  static List<Violation> rules(com.google.protobuf.Message message) {
    return ResourceValidator.checkRules(message);
  }

  static void assertOne(List<Violation> violations, String fieldPart, String messagePart) {
    assertTrue(
        violations.stream().anyMatch(v -> v.field().contains(fieldPart) && v.message().contains(messagePart)),
        () -> "expected a violation at '" + fieldPart + "' saying '" + messagePart + "', got " + violations);
  }

  static Listener listenerWithHcm(UnaryOperator<HttpConnectionManager.Builder> change) {
    Listener good = Fixtures.listener("http", 8080, "http", null);
    HttpConnectionManager hcm = change.apply(Fixtures.hcm("http").toBuilder()).build();
    return good.toBuilder()
        .setFilterChains(0, good.getFilterChains(0).toBuilder()
            .setFilters(0, Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
                .setTypedConfig(Any.pack(hcm))))
        .build();
  }

  static EnvoyResources with(List<Listener> listeners, List<RouteConfiguration> routes, List<Cluster> clusters,
      List<ClusterLoadAssignment> endpoints) {
    return new EnvoyResources(listeners, routes, clusters, endpoints, GOOD.secrets());
  }

  @Test
  void wellFormedResourcesPass() {
    assertEquals(List.of(), ResourceValidator.validate(GOOD));
    assertEquals(List.of(), ResourceValidator.validate(EnvoyResources.EMPTY));
  }

  @Test
  void stringMinLen() {
    List<Violation> v = rules(Fixtures.edsCluster(""));
    assertOne(v, "name", "must not be empty");
    assertEquals("Cluster ", v.get(0).resource());
  }

  @Test
  void durationGreaterThanZero() {
    assertOne(rules(Fixtures.edsCluster("c").toBuilder().setConnectTimeout(Duration.newBuilder().setSeconds(-1)).build()),
        "connect_timeout", "must be > 0");
  }

  @Test
  void enumDefinedOnly() {
    assertOne(rules(Fixtures.edsCluster("c").toBuilder().setTypeValue(99).build()), "type", "not defined");
  }

  @Test
  void uint32Range() {
    Listener listener = Fixtures.listener("l", 8080, "http", null).toBuilder()
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(70000)))
        .build();
    assertOne(rules(listener), "address.socket_address.port_value", "<= 65535");
  }

  @Test
  void wrapperTypesCarryTheirScalarRules() {
    ClusterLoadAssignment cla = Fixtures.endpoints("c", 80);
    cla = cla.toBuilder().setEndpoints(0, cla.getEndpoints(0).toBuilder().setLoadBalancingWeight(UInt32Value.of(0))).build();
    assertOne(rules(cla), "endpoints[0].load_balancing_weight", ">= 1");
  }

  @Test
  void requiredOneofInsideAnAnyHttpConnectionManager() {
    List<Violation> v = rules(listenerWithHcm(b -> b.clearRds()));
    assertOne(v, "filter_chains[0].filters[0].typed_config<HttpConnectionManager>.route_specifier", "exactly one of");
  }

  @Test
  void stringRuleInsideAnAny() {
    assertOne(rules(listenerWithHcm(b -> b.setStatPrefix(""))), "typed_config<HttpConnectionManager>.stat_prefix", "must not be empty");
  }

  @Test
  void recursionReachesFiltersInsideTheHttpConnectionManager() {
    HttpFilter authz = HttpFilter.newBuilder().setName("envoy.filters.http.ext_authz")
        .setTypedConfig(Any.pack(ExtAuthz.newBuilder()
            .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName("")))
            .build()))
        .build();
    List<Violation> v = rules(listenerWithHcm(b -> b.addHttpFilters(0, authz)));
    assertOne(v, "http_filters[0].typed_config<ExtAuthz>.grpc_service.envoy_grpc.cluster_name", "must not be empty");
    assertOne(rules(listenerWithHcm(b -> b.addHttpFilters(HttpFilter.newBuilder().setName("")
        .setTypedConfig(Any.pack(Router.getDefaultInstance()))))), "http_filters[1].name", "must not be empty");
  }

  @Test
  void messageRequiredAndRepeatedMinItems() {
    RouteConfiguration table = RouteConfiguration.newBuilder().setName("t")
        .addVirtualHosts(VirtualHost.newBuilder().setName("vh")
            .addRoutes(Route.newBuilder().setRoute(RouteAction.newBuilder().setCluster("c"))))
        .build();
    List<Violation> v = rules(table);
    assertOne(v, "virtual_hosts[0].routes[0].match", "is required");
    assertOne(v, "virtual_hosts[0].domains", "at least 1 item");
  }

  @Test
  void headerNamesFollowTheWellKnownRegex() {
    RouteConfiguration table = Fixtures.routes("t", "c", "x").toBuilder()
        .addResponseHeadersToAdd(HeaderValueOption.newBuilder()
            .setHeader(HeaderValue.newBuilder().setKey("bad\nname").setValue("v")))
        .build();
    assertOne(rules(table), "response_headers_to_add[0].header.key", "HTTP header name");
  }

  @Test
  void unknownEnvoyTypesAndBrokenBytesInAnAnyAreReported() {
    Listener unknown = Fixtures.listener("l", 8080, "http", null).toBuilder()
        .setFilterChains(0, FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("x")
            .setTypedConfig(Any.newBuilder().setTypeUrl("type.googleapis.com/envoy.extensions.filters.network.nope.v3.Nope"))))
        .build();
    assertOne(rules(unknown), "filter_chains[0].filters[0].typed_config", "unknown Envoy type");
    Listener broken = unknown.toBuilder()
        .setFilterChains(0, FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("x")
            .setTypedConfig(Any.newBuilder()
                .setTypeUrl("type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
                .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x01})))))
        .build();
    assertOne(rules(broken), "filter_chains[0].filters[0].typed_config", "not a valid");
  }

  @Test
  void nestedTypesResolveThroughAny() {
    AnyTypes types = new AnyTypes();
    assertTrue(types.prototype("type.googleapis.com/envoy.config.route.v3.RouteAction.HashPolicy").isPresent());
    assertTrue(types.prototype("type.googleapis.com/google.protobuf.Struct").isPresent());
    assertFalse(types.prototype("type.googleapis.com/envoy.config.route.v3.NoSuch").isPresent());
    assertFalse(types.prototype("type.googleapis.com/udpa.type.v1.TypedStruct").isPresent());
  }

  @Test
  void wellKnownStringFormats() {
    assertTrue(ProtoRules.isHostname("api.example.com"));
    assertTrue(ProtoRules.isHostname("localhost."));
    assertFalse(ProtoRules.isHostname("-bad.example.com"));
    assertFalse(ProtoRules.isHostname("a..b"));
    assertFalse(ProtoRules.isHostname("x".repeat(64) + ".com"));
    assertFalse(ProtoRules.isHostname("under_score.com"));
    assertTrue(ProtoRules.isIpv4("10.0.0.1"));
    assertFalse(ProtoRules.isIpv4("256.0.0.1"));
    assertTrue(ProtoRules.isIpv6("::1"));
    assertFalse(ProtoRules.isIpv6("1.2.3.4"));
    assertFalse(ProtoRules.isIpv6("example.com"));
  }

  // --- cross references ---

  @Test
  void aListenerNamingAMissingRouteTable() {
    EnvoyResources r = with(List.of(Fixtures.listener("http", 8080, "missing", null)),
        GOOD.routes(), GOOD.clusters(), GOOD.endpoints());
    assertOne(ResourceValidator.checkReferences(r), "rds.route_config_name", "\"missing\"");
  }

  @Test
  void aRouteToAMissingClusterAndAWeightedClusterToAnother() {
    RouteConfiguration table = Fixtures.routes("http", "nope", "x").toBuilder()
        .addVirtualHosts(VirtualHost.newBuilder().setName("w").addDomains("w.example.com")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("backend").setWeight(UInt32Value.of(1)))
                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("gone").setWeight(UInt32Value.of(1)))))))
        .build();
    List<Violation> v = ResourceValidator.checkReferences(with(GOOD.listeners(), List.of(table), GOOD.clusters(), GOOD.endpoints()));
    assertOne(v, "virtual_hosts[0].routes[0].route.cluster", "\"nope\"");
    assertOne(v, "virtual_hosts[1].routes[0].route.weighted_clusters.clusters[1].name", "\"gone\"");
    assertEquals(2, v.size(), v::toString);
  }

  @Test
  void anEdsClusterWithoutItsAssignment() {
    List<Violation> v = ResourceValidator.checkReferences(with(GOOD.listeners(), GOOD.routes(), GOOD.clusters(), List.of()));
    assertOne(v, "eds_cluster_config", "no ClusterLoadAssignment named \"backend\"");
  }

  @Test
  void aTlsListenerNamingAMissingSecret() {
    EnvoyResources r = new EnvoyResources(GOOD.listeners(), GOOD.routes(), GOOD.clusters(), GOOD.endpoints(), List.of());
    List<Violation> v = ResourceValidator.checkReferences(r);
    assertOne(v, "filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs[0].name", "\"tls\"");
    assertEquals("Listener https", v.get(0).resource());
  }

  @Test
  void anExtAuthzFilterWhoseClusterIsMissing() {
    HttpFilter authz = HttpFilter.newBuilder().setName("envoy.filters.http.ext_authz")
        .setTypedConfig(Any.pack(ExtAuthz.newBuilder()
            .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName("extauth")))
            .build()))
        .build();
    EnvoyResources r = with(List.of(listenerWithHcm(b -> b.addHttpFilters(0, authz))), GOOD.routes(), GOOD.clusters(), GOOD.endpoints());
    assertOne(ResourceValidator.checkReferences(r), "http_filters[0].typed_config.grpc_service.envoy_grpc.cluster_name", "\"extauth\"");
  }

  @Test
  void duplicateNames() {
    EnvoyResources r = with(GOOD.listeners(), GOOD.routes(), List.of(Fixtures.edsCluster("backend"), Fixtures.edsCluster("backend")), GOOD.endpoints());
    assertOne(ResourceValidator.checkReferences(r), "", "two Cluster resources");
  }

  @Test
  void validateCombinesBothChecks() {
    EnvoyResources r = with(List.of(listenerWithHcm(b -> b.setStatPrefix(""))), GOOD.routes(),
        List.of(Fixtures.edsCluster("backend"), Fixtures.edsCluster("orphan")), GOOD.endpoints());
    List<Violation> v = ResourceValidator.validate(r);
    assertOne(v, "stat_prefix", "must not be empty");
    assertOne(v, "eds_cluster_config", "\"orphan\"");
    assertTrue(v.stream().allMatch(x -> !x.toString().isEmpty()));
  }

  @Test
  void tlsContextRulesInsideTheTransportSocket() {
    Listener https = Fixtures.listener("https", 8443, "http", "tls");
    io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext tls;
    try {
      tls = https.getFilterChains(0).getTransportSocket().getTypedConfig()
          .unpack(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    tls = tls.toBuilder()
        .setSessionTimeout(Duration.newBuilder().setSeconds(-5))
        .setCommonTlsContext(tls.getCommonTlsContext().toBuilder().setTlsParams(
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersionValue(42)))
        .build();
    Listener broken = https.toBuilder().setFilterChains(0, https.getFilterChains(0).toBuilder()
        .setTransportSocket(https.getFilterChains(0).getTransportSocket().toBuilder().setTypedConfig(Any.pack(tls)))).build();
    List<Violation> v = rules(broken);
    assertOne(v, "transport_socket.typed_config<DownstreamTlsContext>.session_timeout", ">= 0 and < 4294967296");
    assertOne(v, "common_tls_context.tls_params.tls_minimum_protocol_version", "not defined");
  }

  @Test
  void rateLimitFilterRules() {
    HttpFilter rateLimit = HttpFilter.newBuilder().setName("envoy.filters.http.ratelimit")
        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.newBuilder()
            .setDomain("")
            .build()))
        .build();
    List<Violation> v = rules(listenerWithHcm(b -> b.addHttpFilters(0, rateLimit)));
    assertOne(v, "http_filters[0].typed_config<RateLimit>.domain", "must not be empty");
    assertOne(v, "http_filters[0].typed_config<RateLimit>.rate_limit_service", "is required");
  }

  @Test
  void repeatedItemRulesAndRequiredDurations() {
    RouteConfiguration base = Fixtures.routes("t", "c", "x");
    Route route = base.getVirtualHosts(0).getRoutes(0).toBuilder()
        .addRequestHeadersToRemove("")
        .setRoute(base.getVirtualHosts(0).getRoutes(0).getRoute().toBuilder()
            .setRetryPolicy(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
                .setRetryBackOff(io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryBackOff.newBuilder()
                    .setMaxInterval(Duration.newBuilder().setSeconds(1)))))
        .build();
    RouteConfiguration table = base.toBuilder()
        .setVirtualHosts(0, base.getVirtualHosts(0).toBuilder().setRoutes(0, route)).build();
    List<Violation> v = rules(table);
    assertOne(v, "routes[0].request_headers_to_remove[0]", "must not be empty");
    assertOne(v, "routes[0].route.retry_policy.retry_back_off.base_interval", "is required");
  }
}
