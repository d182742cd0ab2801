package dev.gloo.translator.envoy;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Comparator;
import java.util.List;

/** Small builders for the Envoy messages the translator emits in many places. */
public final class Envoy {
  public static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  /** Orders endpoints by address then port, so that endpoint lists are deterministic. */
  public static final Comparator<LbEndpoint> LB_ENDPOINT_ORDER = Comparator
      .comparing((LbEndpoint e) -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
      .thenComparingInt(e -> e.getEndpoint().getAddress().getSocketAddress().getPortValue())
      .thenComparing(e -> e.getEndpoint().getAddress().getPipe().getPath());

  private Envoy() {}

  /** Resources fetched over the same ADS stream the proxy already has. */
  public static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3).build();
  }

  public static Cluster edsCluster(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
        .setConnectTimeout(seconds(5)).build();
  }

  public static LbEndpoint lbEndpoint(String address, int port, int weight) {
    return LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(socket(address, port)))
        .setLoadBalancingWeight(com.google.protobuf.UInt32Value.of(Math.max(1, weight))).build();
  }

  public static LbEndpoint pipeEndpoint(String path) {
    return LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
        .setAddress(Address.newBuilder().setPipe(Pipe.newBuilder().setPath(path)))).build();
  }

  public static Address socket(String address, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
        .setAddress(address).setPortValue(port)).build();
  }

  public static ClusterLoadAssignment assignment(String cluster, List<LbEndpoint> endpoints) {
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster)
        .addEndpoints(LocalityLbEndpoints.newBuilder().addAllLbEndpoints(endpoints)).build();
  }

  /** Protocol options that make Envoy speak HTTP/2 to a cluster (gRPC services need it). */
  public static Any http2Only() {
    return Any.pack(HttpProtocolOptions.newBuilder().setExplicitHttpConfig(
        HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance())).build());
  }

  public static TransportSocket upstreamTls(String sni) {
    UpstreamTlsContext.Builder tls = UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.getDefaultInstance());
    if (!sni.isEmpty()) {
      tls.setSni(sni);
    }
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(tls.build())).build();
  }

  public static SdsSecretConfig sdsSecret(String name) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ads()).build();
  }

  public static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  public static Duration millis(long ms) {
    return Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
  }

  public static Any any(Message m) {
    return Any.pack(m);
  }
}
