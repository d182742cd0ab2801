package dev.gloo.translator.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.List;

/** {@code options.headerManipulation}: headers added to or removed from requests and responses. */
public final class HeaderManipulationPlugin implements OptionsPlugin {
  @Override
  public void applyToRoute(PolicySource source, Route.Builder route, PluginContext ctx) {
    JsonNode h = source.options().path("headerManipulation");
    if (h.isObject()) {
      route.addAllRequestHeadersToAdd(adds(h.path("requestHeadersToAdd")))
          .addAllRequestHeadersToRemove(names(h.path("requestHeadersToRemove")))
          .addAllResponseHeadersToAdd(adds(h.path("responseHeadersToAdd")))
          .addAllResponseHeadersToRemove(names(h.path("responseHeadersToRemove")));
    }
  }

  @Override
  public void applyToVirtualHost(PolicySource source, VirtualHost.Builder vhost, PluginContext ctx) {
    JsonNode h = source.options().path("headerManipulation");
    if (h.isObject()) {
      vhost.addAllRequestHeadersToAdd(adds(h.path("requestHeadersToAdd")))
          .addAllRequestHeadersToRemove(names(h.path("requestHeadersToRemove")))
          .addAllResponseHeadersToAdd(adds(h.path("responseHeadersToAdd")))
          .addAllResponseHeadersToRemove(names(h.path("responseHeadersToRemove")));
    }
  }

  private static List<HeaderValueOption> adds(JsonNode list) {
    List<HeaderValueOption> out = new ArrayList<>();
    for (JsonNode item : list) {
      JsonNode header = item.path("header");
      boolean append = item.path("append").asBoolean(true);
      out.add(HeaderValueOption.newBuilder()
          .setHeader(HeaderValue.newBuilder().setKey(header.path("key").asText()).setValue(header.path("value").asText()))
          .setAppendAction(append ? HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
              : HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
          .build());
    }
    return out;
  }

  private static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }
}
