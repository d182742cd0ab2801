package dev.gloo.glooapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * An Envoy v3 bootstrap for one Gateway's proxies, getting everything over ADS from the control
 * nodes.
 *
 * <p>Failover: every node is an endpoint of one static cluster {@code gloo-control} (STRICT_DNS,
 * so host names work), actively checked by a TCP health check every 2 s and ejected by outlier
 * detection after two local connection failures. The ADS stream is opened to a healthy node;
 * when that node dies the stream breaks and Envoy reconnects to another healthy one. The nodes
 * serve identical content with identical versions, so the new node sends nothing new to an
 * Envoy that is up to date. The panic threshold is 0 so Envoy never picks a node it knows is
 * down just because most nodes are. TCP rather than gRPC health checks: a node's xDS port does
 * not serve {@code grpc.health.v1}, and a live port is what ADS needs.
 */
public final class EnvoyBootstrap {
  public static final String CLUSTER = "gloo-control";

  private EnvoyBootstrap() {}

  /** A control node's xDS address. */
  public record Address(String host, int port) {
    /** {@code host:port}, {@code [v6]:port}. */
    public static Address parse(String s) {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || !s.substring(colon + 1).matches("\\d{1,5}") || Integer.parseInt(s.substring(colon + 1)) > 65535) {
        throw new CliException("xDS address '" + s + "' is not HOST:PORT");
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new Address(host, Integer.parseInt(s.substring(colon + 1)));
    }
  }

  /**
   * @param gateway {@code namespace/name}, sent as node.cluster and as the node metadata key the
   *     nodes read
   * @param nodeId unique per Envoy
   */
  public static ObjectNode build(String gateway, String nodeId, List<Address> xds, int adminPort) {
    if (xds.isEmpty()) {
      throw new CliException("no control node xDS address to put in the bootstrap");
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode b = f.objectNode();
    ObjectNode node = b.putObject("node");
    node.put("id", nodeId);
    node.put("cluster", gateway);
    node.putObject("metadata").put("gloo.solo.io/gateway", gateway);

    ObjectNode dyn = b.putObject("dynamic_resources");
    ObjectNode ads = dyn.putObject("ads_config");
    ads.put("api_type", "GRPC");
    ads.put("transport_api_version", "V3");
    ads.put("set_node_on_first_message_only", true);
    ads.putArray("grpc_services").addObject().putObject("envoy_grpc").put("cluster_name", CLUSTER);
    dyn.putObject("cds_config").put("resource_api_version", "V3").putObject("ads");
    dyn.putObject("lds_config").put("resource_api_version", "V3").putObject("ads");

    ObjectNode cluster = b.putObject("static_resources").putArray("clusters").addObject();
    cluster.put("name", CLUSTER);
    cluster.put("type", "STRICT_DNS");
    cluster.put("connect_timeout", "1s");
    cluster.put("lb_policy", "ROUND_ROBIN");
    ObjectNode proto = cluster.putObject("typed_extension_protocol_options")
        .putObject("envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
    proto.put("@type", "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
    // The nodes accept keepalive pings every 10 s or slower.
    proto.putObject("explicit_http_config").putObject("http2_protocol_options").putObject("connection_keepalive")
        .put("interval", "30s").put("timeout", "5s");
    ObjectNode hc = cluster.putArray("health_checks").addObject();
    hc.put("timeout", "1s");
    hc.put("interval", "2s");
    hc.put("no_traffic_interval", "2s");
    hc.put("unhealthy_threshold", 2);
    hc.put("healthy_threshold", 1);
    hc.putObject("tcp_health_check");
    ObjectNode outlier = cluster.putObject("outlier_detection");
    outlier.put("split_external_local_origin_errors", true);
    outlier.put("consecutive_local_origin_failure", 2);
    outlier.put("base_ejection_time", "5s");
    outlier.put("max_ejection_percent", 100);
    cluster.putObject("common_lb_config").putObject("healthy_panic_threshold").put("value", 0.0);
    ObjectNode la = cluster.putObject("load_assignment");
    la.put("cluster_name", CLUSTER);
    ArrayNode lbEndpoints = la.putArray("endpoints").addObject().putArray("lb_endpoints");
    for (Address a : xds) {
      ObjectNode sa = lbEndpoints.addObject().putObject("endpoint").putObject("address").putObject("socket_address");
      sa.put("address", a.host());
      sa.put("port_value", a.port());
    }

    ObjectNode admin = b.putObject("admin");
    ObjectNode asa = admin.putObject("address").putObject("socket_address");
    asa.put("address", "127.0.0.1");
    asa.put("port_value", adminPort);
    return b;
  }
}
