package dev.gloo.translator;

import com.google.protobuf.UInt32Value;
import dev.gloo.translator.RouteMatches.Precedence;
import dev.gloo.translator.model.Kinds;
import dev.gloo.translator.model.NsName;
import dev.gloo.translator.model.ObjectRef;
import dev.gloo.translator.plugins.OptionsPlugin;
import dev.gloo.translator.plugins.PluginContext;
import dev.gloo.translator.plugins.PolicySource;
import dev.gloo.translator.status.Reasons;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPURLRewriteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One HTTPRoute's rules as Envoy routes (without host: the Gateway places them into virtual
 * hosts). A rule whose filters or backends cannot be honoured answers 500, as the spec asks,
 * and never affects the other rules or routes.
 */
final class HttpRouteTranslator {
  private final Backends backends;
  private final Policies policies;
  private final List<OptionsPlugin> plugins;
  private final PluginContext ctx;

  HttpRouteTranslator(Backends backends, Policies policies, List<OptionsPlugin> plugins, PluginContext ctx) {
    this.backends = backends;
    this.policies = policies;
    this.plugins = plugins;
    this.ctx = ctx;
  }

  /** An Envoy route and where it sorts among all routes of a virtual host. */
  record BuiltRoute(Precedence precedence, Route route) {}

  /**
   * @param routes the route's Envoy routes
   * @param refsResolved whether every backend and filter reference resolved
   * @param refsReason the ResolvedRefs reason; {@code refsMessage} explains a failure
   */
  record Output(List<BuiltRoute> routes, boolean refsResolved, String refsReason, String refsMessage) {}

  Output translate(NsName name, HTTPRoute route) {
    List<BuiltRoute> out = new ArrayList<>();
    RefProblems problems = new RefProblems();
    String created = route.getMetadata().getCreationTimestamp() == null ? "" : route.getMetadata().getCreationTimestamp();
    List<ObjectRef> routeLevel = policies.routeOptionsFor(name);
    List<HTTPRouteRule> rules = route.getSpec() == null ? List.of() : Backends.list(route.getSpec().getRules());
    for (int i = 0; i < rules.size(); i++) {
      HTTPRouteRule rule = rules.get(i);
      Route.Builder template = Route.newBuilder();
      List<ObjectRef> ruleOptions = new ArrayList<>();
      boolean broken = applyFilters(name, rule, template, ruleOptions, problems);
      if (!template.hasRedirect()) {
        broken |= !applyBackends(name, rule, template, problems);
      }
      if (broken) {
        template.clearRoute().clearRedirect().clearRequestHeadersToAdd().clearRequestHeadersToRemove()
            .setDirectResponse(DirectResponseAction.newBuilder().setStatus(500));
      }
      ruleOptions.addAll(routeLevel);
      for (PolicySource source : policies.combine(ruleOptions)) {
        for (OptionsPlugin p : plugins) {
          p.applyToRoute(source, template, ctx);
        }
      }
      List<HTTPRouteMatch> matches = Backends.list(rule.getMatches());
      if (matches.isEmpty()) {
        matches = List.of(new HTTPRouteMatch());
      }
      for (int j = 0; j < matches.size(); j++) {
        HTTPRouteMatch m = matches.get(j);
        Route r = template.clone().setName(name + "/rule-" + i + "/match-" + j)
            .setMatch(RouteMatches.toEnvoy(m)).build();
        out.add(new BuiltRoute(RouteMatches.precedence(m, created, name.toString(), i, j), r));
      }
    }
    return new Output(out, problems.reason == null, problems.reason == null ? Reasons.RESOLVED_REFS : problems.reason,
        problems.message == null ? "" : problems.message);
  }

  /** The first reference problem of a route; the spec's condition carries one reason. */
  private static final class RefProblems {
    String reason;
    String message;

    void add(String reason, String message) {
      if (this.reason == null) {
        this.reason = reason;
        this.message = message;
      }
    }
  }

  /** Applies a rule's filters; returns whether one of them cannot be honoured. */
  private boolean applyFilters(NsName name, HTTPRouteRule rule, Route.Builder r, List<ObjectRef> ruleOptions,
      RefProblems problems) {
    boolean broken = false;
    for (HTTPRouteFilter f : Backends.list(rule.getFilters())) {
      String type = f.getType() == null ? "" : f.getType();
      switch (type) {
        case "RequestHeaderModifier":
          r.addAllRequestHeadersToAdd(headerAdds(f.getRequestHeaderModifier()))
              .addAllRequestHeadersToRemove(removes(f.getRequestHeaderModifier()));
          break;
        case "ResponseHeaderModifier":
          r.addAllResponseHeadersToAdd(headerAdds(f.getResponseHeaderModifier()))
              .addAllResponseHeadersToRemove(removes(f.getResponseHeaderModifier()));
          break;
        case "RequestRedirect":
          r.setRedirect(redirect(f.getRequestRedirect(), rule));
          break;
        case "URLRewrite":
          urlRewrite(f.getUrlRewrite(), r.getRouteBuilder());
          break;
        case "RequestMirror":
          broken |= !mirror(name, f.getRequestMirror(), r.getRouteBuilder(), problems);
          break;
        case "ExtensionRef":
          LocalObjectReference ref = f.getExtensionRef();
          if (ref != null && Kinds.GLOO_GATEWAY_GROUP.equals(ref.getGroup())
              && Kinds.ROUTE_OPTION.equals(ref.getKind())) {
            if (ctx.snapshot.routeOptions.containsKey(new NsName(name.namespace(), ref.getName()))) {
              ruleOptions.add(new ObjectRef(Kinds.GLOO_GATEWAY_GROUP, Kinds.ROUTE_OPTION, name.namespace(), ref.getName()));
            } else {
              problems.add(Reasons.BACKEND_NOT_FOUND, "RouteOption " + name.namespace() + "/" + ref.getName() + " not found");
              broken = true;
            }
          } else {
            problems.add(Reasons.INVALID_KIND, "ExtensionRef "
                + (ref == null ? "(none)" : ref.getGroup() + "/" + ref.getKind()) + " is not supported");
            broken = true;
          }
          break;
        default:
          problems.add(Reasons.UNSUPPORTED_VALUE, "filter type " + type + " is not supported");
          broken = true;
      }
    }
    return broken;
  }

  /** Routes to the rule's backends; returns false when no backend can take the traffic. */
  private boolean applyBackends(NsName name, HTTPRouteRule rule, Route.Builder r, RefProblems problems) {
    List<WeightedCluster.ClusterWeight> weighted = new ArrayList<>();
    for (HTTPBackendRef ref : Backends.list(rule.getBackendRefs())) {
      Backends.Resolution res = backends.resolve(Kinds.HTTP_ROUTE, name.namespace(), ref.getGroup(), ref.getKind(),
          ref.getName(), ref.getNamespace(), ref.getPort());
      if (res.cluster().isEmpty()) {
        problems.add(res.reason(), res.message());
        continue;
      }
      int weight = ref.getWeight() == null ? 1 : ref.getWeight();
      if (weight > 0) {
        WeightedCluster.ClusterWeight.Builder cw = WeightedCluster.ClusterWeight.newBuilder()
            .setName(res.cluster().get()).setWeight(UInt32Value.of(weight));
        for (HTTPRouteFilter f : Backends.list(ref.getFilters())) {
          if ("RequestHeaderModifier".equals(f.getType())) {
            cw.addAllRequestHeadersToAdd(headerAdds(f.getRequestHeaderModifier()))
                .addAllRequestHeadersToRemove(removes(f.getRequestHeaderModifier()));
          } else if ("ResponseHeaderModifier".equals(f.getType())) {
            cw.addAllResponseHeadersToAdd(headerAdds(f.getResponseHeaderModifier()))
                .addAllResponseHeadersToRemove(removes(f.getResponseHeaderModifier()));
          }
        }
        weighted.add(cw.build());
      }
    }
    if (weighted.isEmpty()) {
      return false;
    }
    RouteAction.Builder action = r.getRouteBuilder();
    WeightedCluster.ClusterWeight only = weighted.get(0);
    boolean plain = only.getRequestHeadersToAddCount() == 0 && only.getResponseHeadersToAddCount() == 0
        && only.getRequestHeadersToRemoveCount() == 0 && only.getResponseHeadersToRemoveCount() == 0;
    if (weighted.size() == 1 && plain) {
      action.setCluster(weighted.get(0).getName());
    } else {
      action.setWeightedClusters(WeightedCluster.newBuilder().addAllClusters(weighted));
    }
    if (rule.getTimeouts() != null) {
      Durations.parse(rule.getTimeouts().getRequest()).ifPresent(action::setTimeout);
      Durations.parse(rule.getTimeouts().getBackendRequest()).ifPresent(d ->
          action.setRetryPolicy(RetryPolicy.newBuilder().setPerTryTimeout(d)));
    }
    return true;
  }

  private static List<HeaderValueOption> headerAdds(HTTPHeaderFilter f) {
    List<HeaderValueOption> out = new ArrayList<>();
    if (f == null) {
      return out;
    }
    for (HTTPHeader h : Backends.list(f.getSet())) {
      out.add(header(h, HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
    }
    for (HTTPHeader h : Backends.list(f.getAdd())) {
      out.add(header(h, HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD));
    }
    return out;
  }

  private static HeaderValueOption header(HTTPHeader h, HeaderAppendAction action) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(h.getName()).setValue(h.getValue() == null ? "" : h.getValue()))
        .setAppendAction(action).build();
  }

  private static List<String> removes(HTTPHeaderFilter f) {
    return f == null ? List.of() : Backends.list(f.getRemove());
  }

  private static RedirectAction redirect(HTTPRequestRedirectFilter f, HTTPRouteRule rule) {
    RedirectAction.Builder b = RedirectAction.newBuilder();
    if (f.getScheme() != null) {
      b.setSchemeRedirect(f.getScheme());
    }
    if (f.getHostname() != null) {
      b.setHostRedirect(f.getHostname());
    }
    if (f.getPort() != null) {
      b.setPortRedirect(f.getPort());
    }
    HTTPPathModifier path = f.getPath();
    if (path != null && "ReplaceFullPath".equals(path.getType())) {
      b.setPathRedirect(path.getReplaceFullPath());
    } else if (path != null && "ReplacePrefixMatch".equals(path.getType())) {
      b.setPrefixRewrite(path.getReplacePrefixMatch());
    }
    int code = f.getStatusCode() == null ? 302 : f.getStatusCode();
    b.setResponseCode(code == 301 ? RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY
        : code == 303 ? RedirectAction.RedirectResponseCode.SEE_OTHER
        : code == 307 ? RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT
        : code == 308 ? RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT
        : RedirectAction.RedirectResponseCode.FOUND);
    return b.build();
  }

  private static void urlRewrite(HTTPURLRewriteFilter f, RouteAction.Builder action) {
    if (f.getHostname() != null) {
      action.setHostRewriteLiteral(f.getHostname());
    }
    HTTPPathModifier path = f.getPath();
    if (path == null) {
      return;
    }
    if ("ReplaceFullPath".equals(path.getType())) {
      action.setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
          .setPattern(RegexMatcher.newBuilder().setRegex("^/.*$")).setSubstitution(path.getReplaceFullPath()));
    } else if ("ReplacePrefixMatch".equals(path.getType())) {
      String replacement = path.getReplacePrefixMatch() == null ? "/" : path.getReplacePrefixMatch();
      // Envoy's prefix_rewrite would turn "/prefix/rest" into "//rest" for a replacement of "/".
      action.setPrefixRewrite(replacement.equals("/") ? "/" : replacement);
    }
  }

  private boolean mirror(NsName name, HTTPRequestMirrorFilter f, RouteAction.Builder action, RefProblems problems) {
    BackendObjectReference ref = f.getBackendRef();
    Backends.Resolution res = backends.resolve(Kinds.HTTP_ROUTE, name.namespace(), ref.getGroup(), ref.getKind(),
        ref.getName(), ref.getNamespace(), ref.getPort());
    if (res.cluster().isEmpty()) {
      problems.add(res.reason(), res.message());
      return false;
    }
    RouteAction.RequestMirrorPolicy.Builder p = RouteAction.RequestMirrorPolicy.newBuilder().setCluster(res.cluster().get());
    Optional<Integer> percent = Optional.ofNullable(f.getPercent());
    if (f.getFraction() != null && f.getFraction().getNumerator() != null) {
      int denominator = f.getFraction().getDenominator() == null ? 100 : f.getFraction().getDenominator();
      percent = Optional.of((int) Math.round(100.0 * f.getFraction().getNumerator() / Math.max(1, denominator)));
    }
    percent.ifPresent(pc -> p.setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(
        FractionalPercent.newBuilder().setNumerator(pc).setDenominator(FractionalPercent.DenominatorType.HUNDRED))));
    action.addRequestMirrorPolicies(p);
    return true;
  }
}
