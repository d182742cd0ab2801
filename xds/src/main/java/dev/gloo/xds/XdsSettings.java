package dev.gloo.xds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link XdsServer} listens and names itself.
 *
 * @param host bind address ({@code 127.0.0.1} in dev; {@code 0.0.0.0} to serve every interface)
 * @param port bind port; 0 picks a free one ({@link XdsServer#port()} tells which)
 * @param tlsCertFile PEM certificate chain; with {@code tlsKeyFile} the server speaks TLS
 * @param tlsKeyFile PEM private key (PKCS#8)
 * @param nodeIdentifier sent as {@code control_plane.identifier} in every response, e.g. "node2"
 * @param barrierTimeout how long a new stream may wait for this node to catch up before it is
 *     ended with UNAVAILABLE
 */
public record XdsSettings(
    String host,
    int port,
    Optional<Path> tlsCertFile,
    Optional<Path> tlsKeyFile,
    String nodeIdentifier,
    Duration barrierTimeout) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9977;
  public static final Duration DEFAULT_BARRIER_TIMEOUT = Duration.ofSeconds(5);

  public XdsSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tlsCertFile, "tlsCertFile");
    Objects.requireNonNull(tlsKeyFile, "tlsKeyFile");
    Objects.requireNonNull(nodeIdentifier, "nodeIdentifier");
    Objects.requireNonNull(barrierTimeout, "barrierTimeout");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("xDS port out of range: " + port);
    }
    if (tlsCertFile.isPresent() != tlsKeyFile.isPresent()) {
      throw new IllegalArgumentException("xDS TLS needs both a certificate file and a key file");
    }
    if (nodeIdentifier.isBlank()) {
      throw new IllegalArgumentException("xDS node identifier must not be blank");
    }
    if (barrierTimeout.isNegative() || barrierTimeout.isZero()) {
      throw new IllegalArgumentException("xDS barrier timeout must be positive: " + barrierTimeout);
    }
  }

  /** Plain-text settings on {@code host:port} with the default barrier timeout. */
  public static XdsSettings plaintext(String host, int port, String nodeIdentifier) {
    return new XdsSettings(
        host, port, Optional.empty(), Optional.empty(), nodeIdentifier, DEFAULT_BARRIER_TIMEOUT);
  }

  public XdsSettings withBarrierTimeout(Duration timeout) {
    return new XdsSettings(host, port, tlsCertFile, tlsKeyFile, nodeIdentifier, timeout);
  }

  public XdsSettings withTls(Path certFile, Path keyFile) {
    return new XdsSettings(
        host, port, Optional.of(certFile), Optional.of(keyFile), nodeIdentifier, barrierTimeout);
  }
}
