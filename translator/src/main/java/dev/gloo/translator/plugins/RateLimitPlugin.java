package dev.gloo.translator.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.gloo.translator.envoy.Envoy;
import dev.gloo.translator.model.NsName;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.ratelimit.v3.RateLimitServiceConfig;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.XRateLimitHeadersRFCVersion;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code options.rateLimitConfigs.refs}: requests are counted by the rate limit service.
 *
 * <p>The contract with the rate limit service: domain {@value #DOMAIN}; each entry of a
 * RateLimitConfig's {@code spec.raw.rateLimits} becomes one Envoy {@code rate_limits} entry whose
 * first action is {@code generic_key{descriptor_key: "solo.io/config", descriptor_value:
 * "<namespace>.<name>"}}, followed by the config's own actions. The service picks the config by
 * that first entry and matches the rest against the config's {@code descriptors}.
 */
public final class RateLimitPlugin implements OptionsPlugin {
  public static final String FILTER = "envoy.filters.http.ratelimit";
  public static final String DOMAIN = "solo.io";
  public static final String CONFIG_KEY = "solo.io/config";
  private static final String USED = "ratelimit";

  @Override
  public void applyToRoute(PolicySource source, Route.Builder route, PluginContext ctx) {
    if (route.hasRoute()) {
      route.getRouteBuilder().addAllRateLimits(rateLimits(source, ctx));
    } else if (source.options().has("rateLimitConfigs")) {
      ctx.problem(source.policy(), "rate limits apply only to routes that forward to a backend");
    }
  }

  @Override
  public void applyToVirtualHost(PolicySource source, VirtualHost.Builder vhost, PluginContext ctx) {
    vhost.addAllRateLimits(rateLimits(source, ctx));
  }

  private List<RateLimit> rateLimits(PolicySource source, PluginContext ctx) {
    List<RateLimit> out = new ArrayList<>();
    for (JsonNode ref : source.options().path("rateLimitConfigs").path("refs")) {
      String name = ref.path("name").asText("");
      String namespace = ref.path("namespace").asText(source.policy().namespace());
      JsonNode config = ctx.snapshot.rateLimitConfigs.get(new NsName(namespace, name));
      if (config == null) {
        ctx.problem(source.policy(), "RateLimitConfig " + namespace + "/" + name + " not found");
        continue;
      }
      ctx.markUsed(USED);
      int i = 0;
      for (JsonNode limit : config.path("spec").path("raw").path("rateLimits")) {
        RateLimit.Builder rl = RateLimit.newBuilder().addActions(RateLimit.Action.newBuilder()
            .setGenericKey(RateLimit.Action.GenericKey.newBuilder()
                .setDescriptorKey(CONFIG_KEY).setDescriptorValue(namespace + "." + name)));
        int j = 0;
        for (JsonNode action : limit.path("actions")) {
          Optional<RateLimit.Action> a = action(action);
          if (a.isPresent()) {
            rl.addActions(a.get());
          } else {
            ctx.problem(source.policy(), "RateLimitConfig " + namespace + "/" + name
                + ": spec.raw.rateLimits[" + i + "].actions[" + j + "] is not a supported action");
          }
          j++;
        }
        out.add(rl.build());
        i++;
      }
    }
    return out;
  }

  /** One action of Gloo's raw rate limit config, as Envoy's route action. */
  static Optional<RateLimit.Action> action(JsonNode a) {
    RateLimit.Action.Builder b = RateLimit.Action.newBuilder();
    if (a.has("genericKey")) {
      b.setGenericKey(RateLimit.Action.GenericKey.newBuilder()
          .setDescriptorValue(a.path("genericKey").path("descriptorValue").asText()));
    } else if (a.has("requestHeaders")) {
      JsonNode h = a.path("requestHeaders");
      b.setRequestHeaders(RateLimit.Action.RequestHeaders.newBuilder()
          .setHeaderName(h.path("headerName").asText()).setDescriptorKey(h.path("descriptorKey").asText()));
    } else if (a.has("remoteAddress")) {
      b.setRemoteAddress(RateLimit.Action.RemoteAddress.getDefaultInstance());
    } else if (a.has("sourceCluster")) {
      b.setSourceCluster(RateLimit.Action.SourceCluster.getDefaultInstance());
    } else if (a.has("destinationCluster")) {
      b.setDestinationCluster(RateLimit.Action.DestinationCluster.getDefaultInstance());
    } else if (a.has("headerValueMatch")) {
      JsonNode m = a.path("headerValueMatch");
      RateLimit.Action.HeaderValueMatch.Builder hvm = RateLimit.Action.HeaderValueMatch.newBuilder()
          .setDescriptorValue(m.path("descriptorValue").asText())
          .setExpectMatch(BoolValue.of(m.path("expectMatch").asBoolean(true)));
      for (JsonNode h : m.path("headers")) {
        HeaderMatcher.Builder hm = HeaderMatcher.newBuilder().setName(h.path("name").asText());
        if (h.has("exactMatch")) {
          hm.setStringMatch(StringMatcher.newBuilder().setExact(h.path("exactMatch").asText()));
        } else if (h.has("prefixMatch")) {
          hm.setStringMatch(StringMatcher.newBuilder().setPrefix(h.path("prefixMatch").asText()));
        } else {
          hm.setPresentMatch(true);
        }
        hm.setInvertMatch(h.path("invertMatch").asBoolean(false));
        hvm.addHeaders(hm);
      }
      b.setHeaderValueMatch(hvm);
    } else {
      return Optional.empty();
    }
    return Optional.of(b.build());
  }

  @Override
  public List<HttpFilter> httpFilters(PluginContext ctx) {
    if (!ctx.used(USED)) {
      return List.of();
    }
    String cluster = ctx.settings.rateLimitUpstream().map(ctx::useUpstream).map(Cluster::getName)
        .orElseGet(() -> ExtAuthPlugin.unavailable(ctx, "rate-limit-unavailable"));
    var config = io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.newBuilder()
        .setDomain(DOMAIN)
        .setRequestType("both")
        .setTimeout(Envoy.millis(100))
        // Like Envoy's default: a rate limit service that cannot answer lets requests through.
        .setFailureModeDeny(false)
        .setEnableXRatelimitHeaders(XRateLimitHeadersRFCVersion.DRAFT_VERSION_03)
        .setRateLimitService(RateLimitServiceConfig.newBuilder()
            .setGrpcService(GrpcService.newBuilder()
                .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(cluster)))
            .setTransportApiVersion(ApiVersion.V3))
        .build();
    return List.of(HttpFilter.newBuilder().setName(FILTER).setTypedConfig(Any.pack(config)).build());
  }
}
