package dev.gloo.translator.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.gloo.translator.GatewayResources;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.List;

/**
 * Envoy resources as YAML, the way Envoy's config_dump shows them ({@code @type} on every
 * {@code Any}). Used for golden files and for operators ({@code glooapi envoy config}).
 */
public final class EnvoyYaml {
  private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
      .add(HttpConnectionManager.getDescriptor())
      .add(Router.getDescriptor())
      .add(ExtAuthz.getDescriptor())
      .add(ExtAuthzPerRoute.getDescriptor())
      .add(RateLimit.getDescriptor())
      .add(TlsInspector.getDescriptor())
      .add(DownstreamTlsContext.getDescriptor())
      .add(UpstreamTlsContext.getDescriptor())
      .add(HttpProtocolOptions.getDescriptor())
      .add(TypedExtensionConfig.getDescriptor())
      .build();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TYPES);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private EnvoyYaml() {}

  public static JsonNode toJson(Message m) {
    try {
      return JSON.readTree(PRINTER.print(m));
    } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot print " + m.getDescriptorForType().getFullName(), e);
    }
  }

  /** All resources of a Gateway, grouped by type, as one YAML document. */
  public static String toYaml(GatewayResources r) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    add(root, "listeners", r.listeners());
    add(root, "routes", r.routes());
    add(root, "clusters", r.clusters());
    add(root, "endpoints", r.endpoints());
    add(root, "secrets", r.secrets());
    try {
      return YAML.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void add(ObjectNode root, String field, List<? extends Message> messages) {
    var array = root.putArray(field);
    messages.forEach(m -> array.add(toJson(m)));
  }
}
