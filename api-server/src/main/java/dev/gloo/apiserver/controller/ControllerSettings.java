package dev.gloo.apiserver.controller;

import dev.gloo.cluster.ConfigException;
import dev.gloo.cluster.NodeSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's and xDS server's settings, from the node's env file:
 *
 * <pre>
 *   XDS_ADDRESS                        host:port of the ADS server              (default 127.0.0.1:9977)
 *   XDS_TLS_CERT_FILE / XDS_TLS_KEY_FILE  PEM certificate and key: ADS over TLS  (default: plaintext)
 *   ENABLE_GATEWAY_LOCAL_EXTAUTH       the Upstream gloo-system/extauth exists   (default true)
 *   EXTAUTH_SOCKET                     its Unix socket, beside each Envoy       (default /run/gloo/extauth.sock)
 *   ENABLE_GATEWAY_LOCAL_RATE_LIMITER  the Upstream gloo-system/rate-limit exists (default true)
 *   RATE_LIMITER_ADDRESS               its address, beside each Envoy           (default 127.0.0.1:18081)
 * </pre>
 */
public record ControllerSettings(
    NodeSettings.HostPort xdsAddress,
    Optional<Path> xdsCertFile,
    Optional<Path> xdsKeyFile,
    boolean localExtAuth,
    String extAuthSocket,
    boolean localRateLimiter,
    NodeSettings.HostPort rateLimiterAddress) {

  public static ControllerSettings from(Map<String, String> env) {
    Optional<Path> cert = path(env, "XDS_TLS_CERT_FILE");
    Optional<Path> key = path(env, "XDS_TLS_KEY_FILE");
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException("XDS_TLS_CERT_FILE and XDS_TLS_KEY_FILE go together: set both or neither");
    }
    return new ControllerSettings(
        NodeSettings.HostPort.parse("XDS_ADDRESS", env.getOrDefault("XDS_ADDRESS", "127.0.0.1:9977")),
        cert, key,
        bool(env, "ENABLE_GATEWAY_LOCAL_EXTAUTH"),
        env.getOrDefault("EXTAUTH_SOCKET", "/run/gloo/extauth.sock").strip(),
        bool(env, "ENABLE_GATEWAY_LOCAL_RATE_LIMITER"),
        NodeSettings.HostPort.parse("RATE_LIMITER_ADDRESS", env.getOrDefault("RATE_LIMITER_ADDRESS", "127.0.0.1:18081")));
  }

  private static Optional<Path> path(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank()).map(v -> Path.of(v.strip()));
  }

  private static boolean bool(Map<String, String> env, String name) {
    String v = env.getOrDefault(name, "true").strip();
    if (!v.equals("true") && !v.equals("false")) {
      throw new ConfigException(name + "=" + v + ": must be true or false");
    }
    return v.equals("true");
  }
}
