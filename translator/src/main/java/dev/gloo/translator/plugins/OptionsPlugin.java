package dev.gloo.translator.plugins;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;

/**
 * One feature of Gloo's route and virtual-host options (timeouts, headers, extauth, rate
 * limits...). A plugin reads only its own fields of the options and contributes to the Envoy
 * route, the virtual host, and the listener's HTTP filters. Adding a feature means adding a
 * plugin to {@link Plugins#all()}.
 */
public interface OptionsPlugin {
  /** Applies the plugin's fields of route-level options to an Envoy route. */
  default void applyToRoute(PolicySource source, Route.Builder route, PluginContext ctx) {}

  /** Applies the plugin's fields of virtual-host-level options to an Envoy virtual host. */
  default void applyToVirtualHost(PolicySource source, VirtualHost.Builder vhost, PluginContext ctx) {}

  /** Called for every virtual host once its routes are in place, options or not. */
  default void finishVirtualHost(VirtualHost.Builder vhost, PluginContext ctx) {}

  /** HTTP filters (before the router) this plugin needs on the Gateway's listeners. */
  default List<HttpFilter> httpFilters(PluginContext ctx) {
    return List.of();
  }
}
