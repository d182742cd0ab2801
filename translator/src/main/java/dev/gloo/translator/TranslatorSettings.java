package dev.gloo.translator;

import java.util.Optional;

/**
 * What the translator needs to know about its surroundings.
 *
 * @param controllerName the GatewayClass {@code controllerName} this controller owns
 * @param extAuthUpstream the Upstream (namespace/name) Envoy's ext_authz filter calls, when
 *     extauth is in use
 * @param rateLimitUpstream the Upstream (namespace/name) Envoy's rate limit filter calls
 */
public record TranslatorSettings(
    String controllerName,
    Optional<String> extAuthUpstream,
    Optional<String> rateLimitUpstream) {

  public static final String CONTROLLER_NAME = "solo.io/gloo-gateway";

  /** Our controller name; extauth and rate limiter at the Upstreams the node creates at bootstrap. */
  public static TranslatorSettings defaults() {
    return new TranslatorSettings(CONTROLLER_NAME, Optional.of("gloo-system/extauth"),
        Optional.of("gloo-system/rate-limit"));
  }
}
