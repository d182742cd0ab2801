package dev.gloo.translator.model;

/** API groups and kinds the translator reads. */
public final class Kinds {
  public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
  public static final String GLOO_GROUP = "gloo.solo.io";
  public static final String GLOO_GATEWAY_GROUP = "gateway.solo.io";
  public static final String EXTAUTH_GROUP = "enterprise.gloo.solo.io";
  public static final String RATELIMIT_GROUP = "ratelimit.solo.io";
  public static final String DISCOVERY_GROUP = "discovery.k8s.io";

  public static final String GATEWAY_CLASS = "GatewayClass";
  public static final String GATEWAY = "Gateway";
  public static final String HTTP_ROUTE = "HTTPRoute";
  public static final String REFERENCE_GRANT = "ReferenceGrant";
  public static final String SERVICE = "Service";
  public static final String ENDPOINT_SLICE = "EndpointSlice";
  public static final String SECRET = "Secret";
  public static final String NAMESPACE = "Namespace";
  public static final String UPSTREAM = "Upstream";
  public static final String ROUTE_OPTION = "RouteOption";
  public static final String VIRTUAL_HOST_OPTION = "VirtualHostOption";
  public static final String AUTH_CONFIG = "AuthConfig";
  public static final String RATE_LIMIT_CONFIG = "RateLimitConfig";

  private Kinds() {}
}
