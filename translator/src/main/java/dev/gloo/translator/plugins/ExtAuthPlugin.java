package dev.gloo.translator.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import dev.gloo.translator.envoy.Envoy;
import dev.gloo.translator.model.NsName;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.CheckSettings;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;

/**
 * {@code options.extauth}: requests are checked by the extauth service before they are routed.
 *
 * <p>The contract with the extauth service: Envoy's ext_authz filter calls it over gRPC, and each
 * protected route carries {@code check_settings.context_extensions["config_id"] =
 * "<namespace>.<name>"} of its AuthConfig. Virtual hosts without an AuthConfig disable the filter,
 * so unprotected routes never reach the service. A missing AuthConfig does not open the route:
 * the service denies an unknown config id (fail closed), and the policy reports the problem.
 */
public final class ExtAuthPlugin implements OptionsPlugin {
  public static final String FILTER = "envoy.filters.http.ext_authz";
  public static final String CONFIG_ID = "config_id";
  private static final String USED = "extauth";

  @Override
  public void applyToRoute(PolicySource source, Route.Builder route, PluginContext ctx) {
    perFilterConfig(source, ctx).ifPresent(c -> route.putTypedPerFilterConfig(FILTER, c));
  }

  @Override
  public void applyToVirtualHost(PolicySource source, VirtualHost.Builder vhost, PluginContext ctx) {
    perFilterConfig(source, ctx).ifPresent(c -> vhost.putTypedPerFilterConfig(FILTER, c));
  }

  private java.util.Optional<Any> perFilterConfig(PolicySource source, PluginContext ctx) {
    JsonNode extauth = source.options().path("extauth");
    if (!extauth.isObject()) {
      return java.util.Optional.empty();
    }
    if (extauth.path("disable").asBoolean(false)) {
      return java.util.Optional.of(Any.pack(ExtAuthzPerRoute.newBuilder().setDisabled(true).build()));
    }
    JsonNode ref = extauth.path("configRef");
    String name = ref.path("name").asText("");
    String namespace = ref.path("namespace").asText(source.policy().namespace());
    if (name.isEmpty()) {
      ctx.problem(source.policy(), "options.extauth.configRef.name is required");
    } else if (!ctx.snapshot.authConfigs.containsKey(new NsName(namespace, name))) {
      ctx.problem(source.policy(), "AuthConfig " + namespace + "/" + name + " not found; requests are denied");
    }
    ctx.markUsed(USED);
    return java.util.Optional.of(Any.pack(ExtAuthzPerRoute.newBuilder()
        .setCheckSettings(CheckSettings.newBuilder().putContextExtensions(CONFIG_ID, namespace + "." + name))
        .build()));
  }

  @Override
  public void finishVirtualHost(VirtualHost.Builder vhost, PluginContext ctx) {
    if (ctx.used(USED) && !vhost.containsTypedPerFilterConfig(FILTER)) {
      vhost.putTypedPerFilterConfig(FILTER, Any.pack(ExtAuthzPerRoute.newBuilder().setDisabled(true).build()));
    }
  }

  /**
   * A cluster with no endpoints for a service that is not configured: the filter's calls fail,
   * and ext_authz turns a failed call into a 403 (fail closed).
   */
  static String unavailable(PluginContext ctx, String name) {
    ctx.addCluster(Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(Envoy.seconds(1)).setLoadAssignment(Envoy.assignment(name, List.of())).build());
    return name;
  }

  @Override
  public List<HttpFilter> httpFilters(PluginContext ctx) {
    if (!ctx.used(USED)) {
      return List.of();
    }
    String cluster = ctx.settings.extAuthUpstream().map(ctx::useUpstream).map(Cluster::getName)
        .orElseGet(() -> unavailable(ctx, "extauth-unavailable"));
    ExtAuthz config = ExtAuthz.newBuilder()
        .setGrpcService(GrpcService.newBuilder()
            .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(cluster))
            .setTimeout(Envoy.seconds(2)))
        .setTransportApiVersion(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3)
        .setFailureModeAllow(false)
        .build();
    return List.of(HttpFilter.newBuilder().setName(FILTER).setTypedConfig(Any.pack(config)).build());
  }
}
