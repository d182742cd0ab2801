package dev.gloo.xds.check;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.gloo.xds.EnvoyResources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * References between the resources of one Gateway that Envoy resolves over ADS: a listener's
 * RDS route table, a route's clusters (plain, weighted, mirrored), an EDS cluster's
 * ClusterLoadAssignment, the SDS secrets of downstream and upstream TLS contexts, and the
 * clusters of the ext_authz and rate-limit filters' gRPC services. Also duplicate names.
 */
final class CrossReferences {

  private final EnvoyResources resources;
  private final List<Violation> out;
  private final Set<String> routes = new HashSet<>();
  private final Set<String> clusters = new HashSet<>();
  private final Set<String> assignments = new HashSet<>();
  private final Set<String> secrets = new HashSet<>();

  private CrossReferences(EnvoyResources resources, List<Violation> out) {
    this.resources = resources;
    this.out = out;
  }

  static void check(EnvoyResources resources, List<Violation> out) {
    new CrossReferences(resources, out).run();
  }

  private void run() {
    names("Listener", resources.listeners(), Listener::getName, new HashSet<>());
    names("RouteConfiguration", resources.routes(), RouteConfiguration::getName, routes);
    names("Cluster", resources.clusters(), Cluster::getName, clusters);
    names("ClusterLoadAssignment", resources.endpoints(), ClusterLoadAssignment::getClusterName, assignments);
    names("Secret", resources.secrets(), Secret::getName, secrets);
    for (Listener listener : resources.listeners()) {
      listener(listener);
    }
    for (RouteConfiguration table : resources.routes()) {
      routeTable("RouteConfiguration " + table.getName(), "", table);
    }
    for (Cluster cluster : resources.clusters()) {
      cluster(cluster);
    }
  }

  private <T> void names(String kind, List<T> list, Function<T, String> name, Set<String> into) {
    for (T item : list) {
      if (!into.add(name.apply(item))) {
        out.add(new Violation(kind + " " + name.apply(item), "", "two " + kind + " resources have this name"));
      }
    }
  }

  private void listener(Listener listener) {
    String resource = "Listener " + listener.getName();
    for (int i = 0; i < listener.getFilterChainsCount(); i++) {
      filterChain(resource, "filter_chains[" + i + "]", listener.getFilterChains(i));
    }
    if (listener.hasDefaultFilterChain()) {
      filterChain(resource, "default_filter_chain", listener.getDefaultFilterChain());
    }
    if (listener.hasApiListener()) {
      unpack(listener.getApiListener().getApiListener(), HttpConnectionManager.class)
          .ifPresent(hcm -> hcm(resource, "api_listener.api_listener", hcm));
    }
  }

  private void filterChain(String resource, String path, FilterChain chain) {
    for (int i = 0; i < chain.getFiltersCount(); i++) {
      Filter filter = chain.getFilters(i);
      String filterPath = path + ".filters[" + i + "].typed_config";
      if (filter.hasTypedConfig()) {
        unpack(filter.getTypedConfig(), HttpConnectionManager.class).ifPresent(hcm -> hcm(resource, filterPath, hcm));
      }
    }
    if (chain.hasTransportSocket()) {
      transportSocket(resource, path + ".transport_socket", chain.getTransportSocket());
    }
  }

  private void hcm(String resource, String path, HttpConnectionManager hcm) {
    if (hcm.hasRds()) {
      String name = hcm.getRds().getRouteConfigName();
      if (servedByAds(hcm.getRds().getConfigSource()) && !routes.contains(name)) {
        out.add(new Violation(resource, path + ".rds.route_config_name",
            "route table \"" + name + "\" is not among this Gateway's RouteConfigurations"));
      }
    }
    if (hcm.hasRouteConfig()) {
      routeTable(resource, path + ".route_config", hcm.getRouteConfig());
    }
    for (int i = 0; i < hcm.getHttpFiltersCount(); i++) {
      HttpFilter filter = hcm.getHttpFilters(i);
      String filterPath = path + ".http_filters[" + i + "].typed_config";
      if (!filter.hasTypedConfig()) {
        continue;
      }
      unpack(filter.getTypedConfig(), ExtAuthz.class).filter(ExtAuthz::hasGrpcService)
          .ifPresent(e -> grpcService(resource, filterPath + ".grpc_service", e.getGrpcService()));
      unpack(filter.getTypedConfig(), RateLimit.class).filter(RateLimit::hasRateLimitService)
          .ifPresent(r -> grpcService(resource, filterPath + ".rate_limit_service.grpc_service",
              r.getRateLimitService().getGrpcService()));
    }
  }

  private void grpcService(String resource, String path, GrpcService service) {
    if (service.hasEnvoyGrpc()) {
      clusterRef(resource, path + ".envoy_grpc.cluster_name", service.getEnvoyGrpc().getClusterName());
    }
  }

  private void routeTable(String resource, String path, RouteConfiguration table) {
    String prefix = path.isEmpty() ? "" : path + ".";
    for (int v = 0; v < table.getVirtualHostsCount(); v++) {
      VirtualHost host = table.getVirtualHosts(v);
      for (int r = 0; r < host.getRoutesCount(); r++) {
        Route route = host.getRoutes(r);
        if (!route.hasRoute()) {
          continue;
        }
        RouteAction action = route.getRoute();
        String actionPath = prefix + "virtual_hosts[" + v + "].routes[" + r + "].route";
        if (action.getClusterSpecifierCase() == RouteAction.ClusterSpecifierCase.CLUSTER) {
          clusterRef(resource, actionPath + ".cluster", action.getCluster());
        }
        if (action.hasWeightedClusters()) {
          List<WeightedCluster.ClusterWeight> weights = action.getWeightedClusters().getClustersList();
          for (int w = 0; w < weights.size(); w++) {
            clusterRef(resource, actionPath + ".weighted_clusters.clusters[" + w + "].name", weights.get(w).getName());
          }
        }
        for (int m = 0; m < action.getRequestMirrorPoliciesCount(); m++) {
          clusterRef(resource, actionPath + ".request_mirror_policies[" + m + "].cluster",
              action.getRequestMirrorPolicies(m).getCluster());
        }
      }
    }
  }

  private void clusterRef(String resource, String path, String name) {
    if (!clusters.contains(name)) {
      out.add(new Violation(resource, path, "cluster \"" + name + "\" is not among this Gateway's Clusters"));
    }
  }

  private void cluster(Cluster cluster) {
    String resource = "Cluster " + cluster.getName();
    if (cluster.getClusterDiscoveryTypeCase() == Cluster.ClusterDiscoveryTypeCase.TYPE
        && cluster.getType() == Cluster.DiscoveryType.EDS) {
      Cluster.EdsClusterConfig eds = cluster.getEdsClusterConfig();
      String name = eds.getServiceName().isEmpty() ? cluster.getName() : eds.getServiceName();
      if (servedByAds(eds.getEdsConfig()) && !assignments.contains(name)) {
        out.add(new Violation(resource, "eds_cluster_config",
            "EDS cluster has no ClusterLoadAssignment named \"" + name + "\""));
      }
    }
    if (cluster.hasTransportSocket()) {
      transportSocket(resource, "transport_socket", cluster.getTransportSocket());
    }
  }

  private void transportSocket(String resource, String path, TransportSocket socket) {
    if (!socket.hasTypedConfig()) {
      return;
    }
    String configPath = path + ".typed_config";
    unpack(socket.getTypedConfig(), DownstreamTlsContext.class)
        .ifPresent(tls -> tlsContext(resource, configPath + ".common_tls_context", tls.getCommonTlsContext()));
    unpack(socket.getTypedConfig(), UpstreamTlsContext.class)
        .ifPresent(tls -> tlsContext(resource, configPath + ".common_tls_context", tls.getCommonTlsContext()));
  }

  private void tlsContext(String resource, String path, CommonTlsContext context) {
    for (int i = 0; i < context.getTlsCertificateSdsSecretConfigsCount(); i++) {
      secretRef(resource, path + ".tls_certificate_sds_secret_configs[" + i + "]",
          context.getTlsCertificateSdsSecretConfigs(i));
    }
    if (context.hasValidationContextSdsSecretConfig()) {
      secretRef(resource, path + ".validation_context_sds_secret_config", context.getValidationContextSdsSecretConfig());
    }
    if (context.hasCombinedValidationContext()
        && context.getCombinedValidationContext().hasValidationContextSdsSecretConfig()) {
      secretRef(resource, path + ".combined_validation_context.validation_context_sds_secret_config",
          context.getCombinedValidationContext().getValidationContextSdsSecretConfig());
    }
  }

  private void secretRef(String resource, String path, SdsSecretConfig config) {
    if (servedByAds(config.getSdsConfig()) && !secrets.contains(config.getName())) {
      out.add(new Violation(resource, path + ".name",
          "secret \"" + config.getName() + "\" is not among this Gateway's Secrets"));
    }
  }

  /** A reference Envoy resolves over this ADS stream (ADS, or no source given). */
  private static boolean servedByAds(ConfigSource source) {
    return source.hasAds() || source.getConfigSourceSpecifierCase()
        == ConfigSource.ConfigSourceSpecifierCase.CONFIGSOURCESPECIFIER_NOT_SET;
  }

  private static <T extends Message> Optional<T> unpack(Any any, Class<T> type) {
    if (!any.is(type)) {
      return Optional.empty();
    }
    try {
      return Optional.of(any.unpack(type));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty(); // reported by the rule check
    }
  }
}
