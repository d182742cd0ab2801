package dev.gloo.xds.internal;

import com.google.protobuf.Message;
import dev.gloo.xds.EnvoyResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import java.util.Optional;

/**
 * The v3 resource types this server serves, in the order an ADS server pushes them when one
 * update touches several: clusters before their endpoints, listeners before their routes, so
 * that Envoy never sees a reference to something it has not been sent (make before break).
 */
public enum ResourceType {
  CLUSTER("type.googleapis.com/envoy.config.cluster.v3.Cluster", true),
  ENDPOINT("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", false),
  LISTENER("type.googleapis.com/envoy.config.listener.v3.Listener", true),
  ROUTE("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", false),
  SECRET("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", false);

  private final String typeUrl;
  private final boolean wildcardByDefault;

  ResourceType(String typeUrl, boolean wildcardByDefault) {
    this.typeUrl = typeUrl;
    this.wildcardByDefault = wildcardByDefault;
  }

  public String typeUrl() {
    return typeUrl;
  }

  /**
   * Whether an empty list of names in a state-of-the-world request means "everything"
   * (listeners and clusters) rather than "nothing" (routes, endpoints, secrets).
   */
  public boolean wildcardByDefault() {
    return wildcardByDefault;
  }

  public static Optional<ResourceType> fromTypeUrl(String typeUrl) {
    for (ResourceType type : values()) {
      if (type.typeUrl.equals(typeUrl)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  public List<? extends Message> of(EnvoyResources resources) {
    switch (this) {
      case CLUSTER:
        return resources.clusters();
      case ENDPOINT:
        return resources.endpoints();
      case LISTENER:
        return resources.listeners();
      case ROUTE:
        return resources.routes();
      case SECRET:
        return resources.secrets();
      default:
        throw new AssertionError(this);
    }
  }

  public static String nameOf(Message resource) {
    if (resource instanceof Cluster) {
      return ((Cluster) resource).getName();
    } else if (resource instanceof ClusterLoadAssignment) {
      return ((ClusterLoadAssignment) resource).getClusterName();
    } else if (resource instanceof Listener) {
      return ((Listener) resource).getName();
    } else if (resource instanceof RouteConfiguration) {
      return ((RouteConfiguration) resource).getName();
    } else if (resource instanceof Secret) {
      return ((Secret) resource).getName();
    }
    throw new IllegalArgumentException("not an xDS resource: " + resource.getDescriptorForType());
  }
}
