package dev.gloo.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.List;

/** Envoy resources and requests the tests share: a Gateway an Envoy could really run. */
public final class Fixtures {

  public static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  public static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  public static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  public static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  public static final String SDS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

  private Fixtures() {}

  public static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3)
        .build();
  }

  public static Cluster edsCluster(String name) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
        .setConnectTimeout(Duration.newBuilder().setSeconds(1))
        .build();
  }

  public static ClusterLoadAssignment endpoints(String cluster, int port) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(
            LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(
                    LbEndpoint.newBuilder()
                        .setEndpoint(
                            Endpoint.newBuilder()
                                .setAddress(
                                    Address.newBuilder()
                                        .setSocketAddress(
                                            SocketAddress.newBuilder()
                                                .setAddress("127.0.0.1")
                                                .setPortValue(port))))))
        .build();
  }

  public static RouteConfiguration routes(String name, String cluster, String tag) {
    return RouteConfiguration.newBuilder()
        .setName(name)
        .addVirtualHosts(
            VirtualHost.newBuilder()
                .setName("all")
                .addDomains("*")
                .addRoutes(
                    Route.newBuilder()
                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(RouteAction.newBuilder().setCluster(cluster))
                        .addResponseHeadersToAdd(
                            HeaderValueOption.newBuilder()
                                .setHeader(HeaderValue.newBuilder().setKey("x-tag").setValue(tag)))))
        .build();
  }

  public static HttpConnectionManager hcm(String routeName) {
    return HttpConnectionManager.newBuilder()
        .setStatPrefix("http")
        .setRds(Rds.newBuilder().setRouteConfigName(routeName).setConfigSource(ads()))
        .addHttpFilters(
            HttpFilter.newBuilder()
                .setName("envoy.filters.http.router")
                .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
  }

  public static Listener listener(String name, int port, String routeName, String secretOrNull) {
    FilterChain.Builder chain =
        FilterChain.newBuilder()
            .addFilters(
                Filter.newBuilder()
                    .setName("envoy.filters.network.http_connection_manager")
                    .setTypedConfig(Any.pack(hcm(routeName))));
    if (secretOrNull != null) {
      chain.setTransportSocket(
          TransportSocket.newBuilder()
              .setName("envoy.transport_sockets.tls")
              .setTypedConfig(
                  Any.pack(
                      DownstreamTlsContext.newBuilder()
                          .setCommonTlsContext(
                              CommonTlsContext.newBuilder()
                                  .addTlsCertificateSdsSecretConfigs(
                                      SdsSecretConfig.newBuilder()
                                          .setName(secretOrNull)
                                          .setSdsConfig(ads())))
                          .build())));
    }
    return Listener.newBuilder()
        .setName(name)
        .setAddress(
            Address.newBuilder()
                .setSocketAddress(
                    SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)))
        .addFilterChains(chain)
        .build();
  }

  public static Secret secret(String name) {
    return Secret.newBuilder()
        .setName(name)
        .setTlsCertificate(
            TlsCertificate.newBuilder()
                .setCertificateChain(DataSource.newBuilder().setInlineString("-----BEGIN CERTIFICATE-----"))
                .setPrivateKey(DataSource.newBuilder().setInlineString("-----BEGIN PRIVATE KEY-----")))
        .build();
  }

  /**
   * A Gateway with an HTTP listener on 8080 and an HTTPS one on 8443, one route table, one EDS
   * cluster and one secret. {@code tag} goes into the route table only, so two tags differ in
   * RDS content and nothing else.
   */
  public static EnvoyResources gateway(String tag) {
    return new EnvoyResources(
        List.of(listener("http", 8080, "http", null), listener("https", 8443, "http", "tls")),
        List.of(routes("http", "backend", tag)),
        List.of(edsCluster("backend")),
        List.of(endpoints("backend", 9000)),
        List.of(secret("tls")));
  }

  /**
   * {@link #gateway} with new cluster and endpoints content: the cluster's connect timeout is
   * 7 s and its endpoint's port 9002.
   */
  public static EnvoyResources gatewayWithNewClusterAndEndpoints(String tag) {
    EnvoyResources base = gateway(tag);
    return new EnvoyResources(base.listeners(), base.routes(),
        List.of(edsCluster("backend").toBuilder().setConnectTimeout(Duration.newBuilder().setSeconds(7)).build()),
        List.of(endpoints("backend", 9002)), base.secrets());
  }

  public static Node node(String gateway) {
    return Node.newBuilder()
        .setId("envoy-" + Math.abs(gateway.hashCode()))
        .setMetadata(
            Struct.newBuilder()
                .putFields("gloo.solo.io/gateway", Value.newBuilder().setStringValue(gateway).build()))
        .build();
  }

  public static DiscoveryRequest request(Node node, String typeUrl, String version, String nonce, String... names) {
    return DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(typeUrl)
        .setVersionInfo(version)
        .setResponseNonce(nonce)
        .addAllResourceNames(List.of(names))
        .build();
  }

  public static DeltaDiscoveryRequest deltaSubscribe(Node node, String typeUrl, String... names) {
    return DeltaDiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(typeUrl)
        .addAllResourceNamesSubscribe(List.of(names))
        .build();
  }

  public static DeltaDiscoveryRequest deltaAck(String typeUrl, String nonce) {
    return DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl).setResponseNonce(nonce).build();
  }
}
