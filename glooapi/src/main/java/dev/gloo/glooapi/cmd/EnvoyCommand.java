package dev.gloo.glooapi.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.Connection;
import dev.gloo.glooapi.Endpoint;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.Printer;
import dev.gloo.glooapi.ResourceTypes;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code glooapi envoy}: what a Gateway's Envoys are sent, and a bootstrap to start one. */
@Command(name = "envoy", mixinStandardHelpOptions = true, description = "Envoy configuration of a Gateway.",
    subcommands = {EnvoyCommand.Config.class, EnvoyCommand.Bootstrap.class})
public final class EnvoyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: config or bootstrap");
  }

  /** NAMESPACE/NAME, or NAME in the current namespace. */
  static String[] gateway(GlooApi root, String value) {
    String[] parts = value.split("/", -1);
    if (parts.length > 2 || parts[parts.length - 1].isEmpty() || (parts.length == 2 && parts[0].isEmpty())) {
      throw new CliException("--gateway '" + value + "': expected NAMESPACE/NAME or NAME");
    }
    return parts.length == 2 ? parts : new String[] {root.namespace(), parts[0]};
  }

  @Command(name = "config", mixinStandardHelpOptions = true,
      description = "Print the Envoy resources (listeners, routes, clusters, endpoints, secrets without private keys)"
          + " a Gateway's proxies get, as YAML.")
  static final class Config implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--gateway", required = true, paramLabel = "NAMESPACE/NAME")
    String gateway;

    @Override
    public void run() {
      GlooApi root = GlooApi.of(spec);
      String[] gw = gateway(root, gateway);
      Connection.Response r = root.connection().call("GET", "/gloo/v1/envoy/config?gateway="
          + ResourceTypes.encode(gw[0] + "/" + gw[1]), "application/yaml", null, null);
      root.out().print(r.text());
      root.out().flush();
    }
  }

  @Command(name = "bootstrap", mixinStandardHelpOptions = true,
      description = {"Print an Envoy bootstrap for a Gateway: ADS from a static cluster holding every control node's"
          + " xDS address, health-checked so Envoy moves to another node when one fails.",
          "Every server given is asked where it serves xDS; pass --xds-address to list the addresses yourself."})
  static final class Bootstrap implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--gateway", required = true, paramLabel = "NAMESPACE/NAME")
    String gateway;

    @Option(names = "--node-id", paramLabel = "ID", description = "Envoy's node.id, unique per Envoy (default: this host's name).")
    String nodeId;

    @Option(names = "--xds-address", split = ",", paramLabel = "HOST:PORT",
        description = "Control nodes' xDS addresses (default: asked from every server).")
    List<String> xdsAddresses = new ArrayList<>();

    @Option(names = "--admin-port", defaultValue = "19000", description = "Envoy admin port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Override
    public void run() {
      GlooApi root = GlooApi.of(spec);
      String[] gw = gateway(root, gateway);
      // A bootstrap for a Gateway that does not exist would give an Envoy with nothing to serve.
      root.connection().call("GET", "/apis/gateway.networking.k8s.io/v1/namespaces/" + ResourceTypes.encode(gw[0])
          + "/gateways/" + ResourceTypes.encode(gw[1]), "application/json", null, null);
      List<String[]> addresses = xdsAddresses.isEmpty() ? askEveryNode(root) : parse(xdsAddresses);
      String id = nodeId != null ? nodeId : hostName();
      root.out().print(Printer.yaml(bootstrap(gw[0] + "/" + gw[1], id, addresses, adminPort)));
      root.out().flush();
    }

    private static List<String[]> askEveryNode(GlooApi root) {
      Connection c = root.connection();
      List<String[]> out = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (Endpoint e : c.servers().endpoints()) {
        try {
          Connection.Response r = c.sendTo(e, "/gloo/v1/cluster/xds");
          if (r.code() != 200) {
            failed.add(e.url() + ": " + Connection.error(r).getMessage());
            continue;
          }
          String address = r.json().path("address").asText("");
          out.addAll(parse(List.of(address)));
        } catch (IOException ex) {
          failed.add(e.url() + ": " + ex.getClass().getSimpleName());
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new CliException("interrupted");
        }
      }
      if (!failed.isEmpty()) {
        // A bootstrap that silently lacks a node would lose failover exactly when it is needed.
        throw new CliException("cannot learn every node's xDS address (" + String.join("; ", failed)
            + "); pass them all with --xds-address HOST:PORT,...");
      }
      return out;
    }

    private static List<String[]> parse(List<String> addresses) {
      List<String[]> out = new ArrayList<>();
      for (String a : addresses) {
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || !a.substring(colon + 1).matches("\\d{1,5}")) {
          throw new CliException("xDS address '" + a + "' is not HOST:PORT");
        }
        String host = a.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        out.add(new String[] {host, a.substring(colon + 1)});
      }
      return out;
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        throw new CliException("cannot tell this host's name; pass --node-id");
      }
    }

    /**
     * The bootstrap. Failover: all nodes are endpoints of one STRICT_DNS cluster (so host names
     * work), each checked by a TCP health check every 2 s, with outlier detection on local
     * connection failures; Envoy's ADS stream goes to a healthy node and, when its node fails,
     * reconnects to another healthy one. The panic threshold is 0 so Envoy never picks a node it
     * knows is down just because most are.
     */
    static ObjectNode bootstrap(String gateway, String nodeId, List<String[]> xds, int adminPort) {
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
      ads.putArray("grpc_services").addObject().putObject("envoy_grpc").put("cluster_name", "gloo-control");
      dyn.putObject("cds_config").put("resource_api_version", "V3").putObject("ads");
      dyn.putObject("lds_config").put("resource_api_version", "V3").putObject("ads");

      ObjectNode cluster = b.putObject("static_resources").putArray("clusters").addObject();
      cluster.put("name", "gloo-control");
      cluster.put("type", "STRICT_DNS");
      cluster.put("connect_timeout", "1s");
      cluster.put("lb_policy", "ROUND_ROBIN");
      ObjectNode proto = cluster.putObject("typed_extension_protocol_options")
          .putObject("envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
      proto.put("@type", "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
      proto.putObject("explicit_http_config").putObject("http2_protocol_options").putObject("connection_keepalive")
          .put("interval", "30s").put("timeout", "5s");
      ObjectNode hc = cluster.putArray("health_checks").addObject();
      hc.put("timeout", "1s");
      hc.put("interval", "2s");
      hc.put("unhealthy_threshold", 2);
      hc.put("healthy_threshold", 1);
      hc.put("no_traffic_interval", "2s");
      hc.putObject("tcp_health_check");
      ObjectNode outlier = cluster.putObject("outlier_detection");
      outlier.put("split_external_local_origin_errors", true);
      outlier.put("consecutive_local_origin_failure", 2);
      outlier.put("base_ejection_time", "5s");
      outlier.put("max_ejection_percent", 100);
      cluster.putObject("common_lb_config").putObject("healthy_panic_threshold").put("value", 0.0);
      ObjectNode la = cluster.putObject("load_assignment");
      la.put("cluster_name", "gloo-control");
      ArrayNode lbEndpoints = la.putArray("endpoints").addObject().putArray("lb_endpoints");
      for (String[] a : xds) {
        ObjectNode sa = lbEndpoints.addObject().putObject("endpoint").putObject("address").putObject("socket_address");
        sa.put("address", a[0]);
        sa.put("port_value", Integer.parseInt(a[1]));
      }

      ObjectNode admin = b.putObject("admin");
      ObjectNode asa = admin.putObject("address").putObject("socket_address");
      asa.put("address", "127.0.0.1");
      asa.put("port_value", adminPort);
      return b;
    }
  }
}
