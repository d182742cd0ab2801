package dev.gloo.translator;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;

/**
 * The Envoy resources one Gateway's proxies get. Each list is sorted by resource name, so two
 * translations of the same input are equal (and serialize to the same bytes).
 */
public record GatewayResources(
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints,
    List<Secret> secrets) {

  public GatewayResources {
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    clusters = List.copyOf(clusters);
    endpoints = List.copyOf(endpoints);
    secrets = List.copyOf(secrets);
  }
}
