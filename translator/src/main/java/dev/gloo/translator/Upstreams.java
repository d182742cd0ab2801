package dev.gloo.translator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.translator.envoy.Envoy;
import dev.gloo.translator.model.NsName;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Gloo {@code Upstream}s as Envoy clusters. Supported: {@code static} (IP addresses or DNS names,
 * which Envoy resolves itself) and {@code pipe} (a Unix domain socket), with {@code useTls} or
 * {@code sslConfig} for TLS to the backend and {@code useHttp2} for gRPC services.
 */
final class Upstreams {
  private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

  private Upstreams() {}

  static String clusterName(NsName ref) {
    return "upstream_" + ref.namespace() + "_" + ref.name();
  }

  /** Why this Upstream cannot be translated, if it cannot. */
  static Optional<String> problem(JsonNode upstream) {
    JsonNode spec = upstream.path("spec");
    if (spec.has("static")) {
      JsonNode hosts = spec.path("static").path("hosts");
      if (!hosts.isArray() || hosts.isEmpty()) {
        return Optional.of("static.hosts is empty");
      }
      for (JsonNode h : hosts) {
        if (h.path("addr").asText().isEmpty()) {
          return Optional.of("a static host has no addr");
        }
        int port = h.path("port").asInt(0);
        if (port < 1 || port > 65535) {
          return Optional.of("static host " + h.path("addr").asText() + " has no valid port (1-65535)");
        }
      }
      return Optional.empty();
    }
    if (spec.has("pipe")) {
      return spec.path("pipe").path("path").asText().isEmpty()
          ? Optional.of("pipe.path is empty") : Optional.empty();
    }
    return Optional.of("only static and pipe Upstreams are supported");
  }

  /** The cluster for an Upstream that {@link #problem} found nothing wrong with. */
  static Cluster cluster(String name, JsonNode upstream) {
    JsonNode spec = upstream.path("spec");
    List<LbEndpoint> endpoints = new ArrayList<>();
    boolean dns = false;
    String sni = spec.path("sslConfig").path("sni").asText("");
    if (spec.has("pipe")) {
      endpoints.add(Envoy.pipeEndpoint(spec.path("pipe").path("path").asText()));
    } else {
      for (JsonNode h : spec.path("static").path("hosts")) {
        String addr = h.path("addr").asText();
        boolean ip = IPV4.matcher(addr).matches() || addr.contains(":");
        dns |= !ip;
        if (sni.isEmpty()) {
          sni = h.path("sniAddr").asText(ip ? "" : addr);
        }
        endpoints.add(Envoy.lbEndpoint(addr, h.path("port").asInt(), h.path("loadBalancingWeight").asInt(1)));
      }
    }
    endpoints.sort(Envoy.LB_ENDPOINT_ORDER);
    Cluster.Builder c = Cluster.newBuilder().setName(name)
        .setType(dns ? Cluster.DiscoveryType.STRICT_DNS : Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(Envoy.seconds(5))
        .setLoadAssignment(Envoy.assignment(name, endpoints));
    if (spec.path("useTls").asBoolean(false) || spec.has("sslConfig")) {
      c.setTransportSocket(Envoy.upstreamTls(sni));
    }
    if (spec.path("useHttp2").asBoolean(false)) {
      c.putTypedExtensionProtocolOptions(Envoy.HTTP_PROTOCOL_OPTIONS, Envoy.http2Only());
    }
    return c.build();
  }
}
