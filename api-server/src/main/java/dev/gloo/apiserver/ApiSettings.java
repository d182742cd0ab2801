package dev.gloo.apiserver;

import dev.gloo.cluster.ConfigException;
import dev.gloo.cluster.NodeSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The API's settings, from the same env file as the node's:
 *
 * <pre>
 *   API_ADDRESS      host:port of the HTTPS Kubernetes-style API    (default 127.0.0.1:6443)
 *   TOKEN_FILE       file holding the admin bearer token           (default DATA_DIR/admin.token, generated)
 *   TLS_CERT_FILE    PEM certificate chain of the API              (default: generated under DATA_DIR/tls/)
 *   TLS_KEY_FILE     PEM private key of the API                    (with TLS_CERT_FILE)
 *   ALLOW_ANONYMOUS  true: serve requests without a token          (default false)
 *   CLIENT_CA_FILE   PEM CA whose client certificates authenticate (default: none, tokens only)
 *   WATCH_BOOKMARK_SECONDS  seconds between BOOKMARK events on watches that allow them (default 60)
 * </pre>
 */
public record ApiSettings(NodeSettings.HostPort address, Path tokenFile, Optional<Path> certFile,
    Optional<Path> keyFile, boolean allowAnonymous, Optional<Path> clientCaFile, java.time.Duration bookmarkInterval) {

  public static ApiSettings from(Map<String, String> env, Path dataDir) {
    NodeSettings.HostPort address = NodeSettings.HostPort.parse("API_ADDRESS",
        env.getOrDefault("API_ADDRESS", "127.0.0.1:6443"));
    Optional<Path> cert = Optional.ofNullable(env.get("TLS_CERT_FILE")).filter(s -> !s.isBlank()).map(Path::of);
    Optional<Path> key = Optional.ofNullable(env.get("TLS_KEY_FILE")).filter(s -> !s.isBlank()).map(Path::of);
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException("TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither");
    }
    String anonymous = env.getOrDefault("ALLOW_ANONYMOUS", "false").strip();
    if (!anonymous.equals("true") && !anonymous.equals("false")) {
      throw new ConfigException("ALLOW_ANONYMOUS=" + anonymous + ": must be true or false");
    }
    Path token = Path.of(env.getOrDefault("TOKEN_FILE", dataDir.resolve("admin.token").toString()));
    Optional<Path> clientCa = Optional.ofNullable(env.get("CLIENT_CA_FILE")).filter(v -> !v.isBlank()).map(Path::of);
    String bookmark = env.getOrDefault("WATCH_BOOKMARK_SECONDS", "60").strip();
    long bookmarkSeconds;
    try {
      bookmarkSeconds = Long.parseLong(bookmark);
      if (bookmarkSeconds <= 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ConfigException("WATCH_BOOKMARK_SECONDS=" + bookmark + ": must be a positive whole number");
    }
    return new ApiSettings(address, token, cert, key, anonymous.equals("true"), clientCa,
        java.time.Duration.ofSeconds(bookmarkSeconds));
  }
}
