package dev.gloo.translator;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import java.util.Comparator;

/**
 * HTTPRoute matches as Envoy route matches, and the order the Gateway API spec gives them
 * across all routes of a host.
 */
final class RouteMatches {
  private RouteMatches() {}

  /**
   * The spec's precedence: exact path, then (regular expressions, then) the longest prefix,
   * then a method match, then more header matches, then more query matches; ties go to the
   * oldest route, then to namespace/name, then to rule and match order.
   */
  record Precedence(int pathKind, int pathLength, boolean method, int headers, int queries,
      String created, String route, int rule, int match) {
    static final Comparator<Precedence> ORDER = Comparator
        .comparingInt(Precedence::pathKind)
        .thenComparing(Comparator.comparingInt(Precedence::pathLength).reversed())
        .thenComparing(p -> !p.method())
        .thenComparing(Comparator.comparingInt(Precedence::headers).reversed())
        .thenComparing(Comparator.comparingInt(Precedence::queries).reversed())
        .thenComparing(Precedence::created)
        .thenComparing(Precedence::route)
        .thenComparingInt(Precedence::rule)
        .thenComparingInt(Precedence::match);
  }

  static final int EXACT = 0;
  static final int REGEX = 1;
  static final int PREFIX = 2;

  /** The path type and value with the spec's defaults (PathPrefix "/"). */
  static String pathType(HTTPRouteMatch m) {
    HTTPPathMatch p = m.getPath();
    return p == null || p.getType() == null ? "PathPrefix" : p.getType();
  }

  static String pathValue(HTTPRouteMatch m) {
    HTTPPathMatch p = m.getPath();
    return p == null || p.getValue() == null ? "/" : p.getValue();
  }

  static Precedence precedence(HTTPRouteMatch m, String created, String route, int rule, int match) {
    String type = pathType(m);
    int kind = type.equals("Exact") ? EXACT : type.equals("RegularExpression") ? REGEX : PREFIX;
    return new Precedence(kind, pathValue(m).length(), m.getMethod() != null,
        Backends.list(m.getHeaders()).size(), Backends.list(m.getQueryParams()).size(),
        created, route, rule, match);
  }

  static RouteMatch toEnvoy(HTTPRouteMatch m) {
    RouteMatch.Builder b = RouteMatch.newBuilder();
    String value = pathValue(m);
    switch (pathType(m)) {
      case "Exact":
        b.setPath(value);
        break;
      case "RegularExpression":
        b.setSafeRegex(RegexMatcher.newBuilder().setRegex(value));
        break;
      default:
        // "/abc" matches "/abc" and "/abc/def" but not "/abcd"; a trailing slash changes nothing.
        String prefix = value.length() > 1 && value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        if (prefix.equals("/")) {
          b.setPrefix("/");
        } else {
          b.setPathSeparatedPrefix(prefix);
        }
    }
    for (HTTPHeaderMatch h : Backends.list(m.getHeaders())) {
      b.addHeaders(HeaderMatcher.newBuilder().setName(h.getName())
          .setStringMatch(stringMatch(h.getType(), h.getValue())));
    }
    for (HTTPQueryParamMatch q : Backends.list(m.getQueryParams())) {
      b.addQueryParameters(QueryParameterMatcher.newBuilder().setName(q.getName())
          .setStringMatch(stringMatch(q.getType(), q.getValue())));
    }
    if (m.getMethod() != null) {
      b.addHeaders(HeaderMatcher.newBuilder().setName(":method")
          .setStringMatch(StringMatcher.newBuilder().setExact(m.getMethod())));
    }
    return b.build();
  }

  private static StringMatcher stringMatch(String type, String value) {
    return "RegularExpression".equals(type)
        ? StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(value)).build()
        : StringMatcher.newBuilder().setExact(value).build();
  }
}
