package dev.gloo.xds;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import java.util.Objects;

/**
 * The Envoy resources one Gateway gets, already deterministic (sorted by name) from the
 * translator. The lists are copied, so a record never changes after construction.
 */
public record EnvoyResources(
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints,
    List<Secret> secrets) {

  public static final EnvoyResources EMPTY =
      new EnvoyResources(List.of(), List.of(), List.of(), List.of(), List.of());

  public EnvoyResources {
    listeners = List.copyOf(Objects.requireNonNull(listeners, "listeners"));
    routes = List.copyOf(Objects.requireNonNull(routes, "routes"));
    clusters = List.copyOf(Objects.requireNonNull(clusters, "clusters"));
    endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
    secrets = List.copyOf(Objects.requireNonNull(secrets, "secrets"));
  }
}
